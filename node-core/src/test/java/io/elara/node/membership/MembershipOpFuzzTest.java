package io.elara.node.membership;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.crypto.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz targets for the membership decoders. Properties: {@link MembershipOp#decode} and {@link Membership#decode} never
 * throw; an accepted operation is exactly the bytes it was read from, and applying it to a session never throws; an
 * accepted snapshot encodes back to its input. Under plain {@code mvn test} the targets replay their seeds from {@code
 * src/test/resources/io/elara/node/membership/MembershipOpFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class MembershipOpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzDecode(byte[] input) {
        MembershipOp.Decoded decoded = MembershipOp.decode(input);
        if (!decoded.accepted()) {
            return;
        }
        MembershipOp op = decoded.op();
        if (!Arrays.equals(op.encoded(), input)) {
            throw new IllegalStateException("an accepted operation is not the bytes it was read from");
        }
        // Both a session the actor created and one it did not: apply refuses with a reason, never throws.
        Membership.create(op.sessionId(), op.actor()).apply(op);
        Membership.create(op.sessionId(), MembershipFixtures.CREATOR.nodeId()).apply(op);
    }

    /**
     * The input with its signatures made good: the actor becomes the creator or Alice (by the input's actor byte) and
     * signs, and a JOIN's invite is signed again by the creator. Random bytes rarely carry a valid signature, so this
     * target is what reaches {@link Membership#apply}'s rules with fields the fuzzer chose.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzApplySigned(byte[] input) {
        if (input.length < MembershipOp.FIXED_LENGTH) {
            return;
        }
        byte[] bytes = input.clone();
        Identity actor =
                (bytes[MembershipOp.ACTOR_OFFSET] & 1) == 0 ? MembershipFixtures.CREATOR : MembershipFixtures.ALICE;
        actor.nodeId().copyTo(bytes, MembershipOp.ACTOR_OFFSET);
        int inviteLength = bytes.length - MembershipOp.FIXED_LENGTH;
        if (inviteLength >= InviteToken.ENCODED_LENGTH_MIN) {
            MembershipFixtures.CREATOR.nodeId().copyTo(bytes, MembershipOp.INVITE_OFFSET + InviteToken.INVITER_OFFSET);
            byte[] invite =
                    Arrays.copyOfRange(bytes, MembershipOp.INVITE_OFFSET, MembershipOp.INVITE_OFFSET + inviteLength);
            byte[] signedInvite = signed(MembershipFixtures.CREATOR, "elara-invite-v1", invite);
            System.arraycopy(signedInvite, 0, bytes, MembershipOp.INVITE_OFFSET, inviteLength);
        }
        MembershipOp.Decoded decoded = MembershipOp.decode(signed(actor, "elara-membership-op-v1", bytes));
        if (!decoded.accepted()) {
            return;
        }
        Membership membership = Membership.create(decoded.op().sessionId(), MembershipFixtures.CREATOR.nodeId());
        MembershipReject first = membership.apply(decoded.op());
        boolean kept = first == MembershipReject.NONE || first.held();
        if (kept != membership.ops().contains(decoded.op())) {
            throw new IllegalStateException("apply said " + first + " but the operation was kept: " + !kept);
        }
        MembershipReject again = membership.apply(decoded.op());
        if (again != (kept ? MembershipReject.MEMBERSHIP_DUPLICATE : first)) {
            throw new IllegalStateException("the same operation applied twice gave " + first + ", then " + again);
        }
        if (!Membership.decode(membership.encode()).accepted()) {
            throw new IllegalStateException("a state does not decode from its own snapshot");
        }
    }

    /** {@code bytes} with its last 64 bytes replaced by {@code signer}'s signature over domain and the rest. */
    private static byte[] signed(Identity signer, String domain, byte[] bytes) {
        byte[] prefix = domain.getBytes(StandardCharsets.US_ASCII);
        int signedLength = bytes.length - Identity.SIGNATURE_LENGTH;
        byte[] message = new byte[prefix.length + signedLength];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(bytes, 0, message, prefix.length, signedLength);
        byte[] result = bytes.clone();
        System.arraycopy(signer.sign(message), 0, result, signedLength, Identity.SIGNATURE_LENGTH);
        return result;
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzSnapshot(byte[] input) {
        Membership.Decoded decoded = Membership.decode(input);
        if (decoded.accepted() && !Arrays.equals(decoded.membership().encode(), input)) {
            throw new IllegalStateException("an accepted snapshot does not encode back to itself");
        }
    }
}
