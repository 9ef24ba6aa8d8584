package io.elara.cli.bench;

/**
 * The receiver's answer to {@code mark}: what it had delivered and the CPU it had used at that moment, so the
 * coordinator can take differences over the measured window.
 *
 * @param delivered benchmark events delivered so far
 * @param cpuNs the receiver process's CPU time so far, or -1 when unknown
 * @param signatureChecks Ed25519 verifications of batch signatures the receiver's node has made so far
 */
public record ReceiverMark(long delivered, long cpuNs, long signatureChecks) {
    /** This mark with the node's count of signature checks. */
    public ReceiverMark withSignatureChecks(long checks) {
        return new ReceiverMark(delivered, cpuNs, checks);
    }
}
