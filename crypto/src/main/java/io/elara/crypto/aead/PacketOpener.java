package io.elara.crypto.aead;

import java.nio.ByteBuffer;

/**
 * The receiving half of a session's transport keys: opens packets sealed by the peer's {@link PacketSealer} and
 * accepts each counter at most once ({@link ReplayWindow}).
 *
 * <p>Opening never throws on input from the network: every malformed, forged, replayed or late packet comes back as a
 * {@link PacketReject} to count and drop. The order follows RFC 6479 section 2: the window is consulted first without
 * being changed (so a flood of replays costs no decryption), then the tag is verified, and only a packet whose tag
 * verified moves the window. A forged packet therefore cannot advance the window or use up a counter.
 *
 * <p>Sans-I/O and single-threaded, like {@link PacketSealer}. Buffers are borrowed for the call only.
 */
public final class PacketOpener implements AutoCloseable {
    private final ChaChaPoly cipher;
    private final ReplayWindow window = new ReplayWindow();
    private final long createdNs;
    private boolean closed;

    private PacketOpener(byte[] key, long createdNs) {
        this.cipher = ChaChaPoly.forOpening(key);
        this.createdNs = createdNs;
    }

    /** An opener for a copy of the 32-byte {@code key} (the caller wipes its own), created at {@code nowNs}. */
    public static PacketOpener create(byte[] key, long nowNs) {
        return new PacketOpener(key, nowNs);
    }

    /**
     * Opens the sealed part of {@code datagram}, from its position to its limit, whose header is {@code datagram} from
     * {@code headerOffset} to the position. The plaintext is written at {@code plaintext}'s position; it is
     * {@link PacketFormat#OVERHEAD} bytes shorter than the sealed part.
     *
     * <p>On {@link PacketReject#NONE} the datagram's position moves to its limit and the plaintext's past the bytes
     * written. On any other result neither position moves and nothing is written to {@code plaintext}.
     *
     * @throws IllegalArgumentException only for a caller's mistake: {@code headerOffset} not between 0 and the
     *     position
     */
    public PacketReject open(ByteBuffer datagram, int headerOffset, ByteBuffer plaintext, long nowNs) {
        int start = datagram.position();
        if (headerOffset < 0 || headerOffset > start) {
            throw new IllegalArgumentException("header offset " + headerOffset + " is not within 0.." + start);
        }
        if (expired(nowNs)) {
            return PacketReject.KEY_EXPIRED;
        }
        int length = datagram.remaining();
        if (length < PacketFormat.OVERHEAD) {
            return PacketReject.TRUNCATED;
        }
        if (length > PacketFormat.SEALED_LENGTH_MAX || plaintext.remaining() < length - PacketFormat.OVERHEAD) {
            return PacketReject.TOO_LONG;
        }
        long counter = (long) PacketSealer.COUNTER.get(datagram, start + PacketFormat.COUNTER_OFFSET);
        if (!KeyLimits.counterUsable(counter)) {
            return PacketReject.COUNTER_LIMIT;
        }
        if (!window.check(counter)) {
            return PacketReject.TOO_OLD_OR_REPLAYED;
        }
        datagram.position(start + PacketFormat.CIPHERTEXT_OFFSET);
        if (!cipher.open(0, counter, datagram, headerOffset, start - headerOffset, datagram, plaintext)) {
            datagram.position(start);
            return PacketReject.BAD_TAG;
        }
        boolean accepted = window.accept(counter);
        assert accepted : "counter " + Long.toUnsignedString(counter) + " passed check but not accept";
        return PacketReject.NONE;
    }

    /** True once this key opens nothing more: {@link KeyLimits#REJECT_AFTER_TIME_NS} old, or closed. */
    public boolean expired(long nowNs) {
        return closed || KeyLimits.older(createdNs, nowNs, KeyLimits.REJECT_AFTER_TIME_NS);
    }

    /** The highest counter opened so far (unsigned), or 0 when none has been. */
    public long highestCounter() {
        return window.highest();
    }

    /** Wipes the key (see {@link ChaChaPoly} for where copies live); idempotent. Opening afterwards is refused. */
    @Override
    public void close() {
        closed = true;
        cipher.close();
    }
}
