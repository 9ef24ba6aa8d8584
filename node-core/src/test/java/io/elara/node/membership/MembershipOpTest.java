package io.elara.node.membership;

import static io.elara.node.membership.MembershipFixtures.ALICE;
import static io.elara.node.membership.MembershipFixtures.BOB;
import static io.elara.node.membership.MembershipFixtures.CREATOR;
import static io.elara.node.membership.MembershipFixtures.SESSION;
import static io.elara.node.membership.MembershipFixtures.hlc;
import static io.elara.node.membership.MembershipFixtures.invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MembershipOpTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ALICE_KEY = "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394";

    /** Alice (seed 02 x 32) leaves SESSION at NOW + 60 s, logical counter 1. */
    private static final String GOLDEN_LEAVE_HEX = String.join(
            "",
            "01", // version 1
            "02", // kind LEAVE
            "0000", // invite length 0: only a JOIN carries an invite
            "000102030405060708090a0b0c0d0e0f", // session id
            ALICE_KEY, // subject: Alice
            ALICE_KEY, // actor: Alice, who signs
            "01a203218c600001", // HLC: 2026-11-22T12:01:00Z in ms << 16 | 1
            "6c13aa8b6236908bb5dca19b037568f1f2a9fa3a34fbb33fda087f24a0be90d3", // signature, R
            "7963a3e4016050470138eb1cd4ff83a39a2b58518cc79ef9b0fe6d8678889e06"); // signature, S

    @Test
    void shouldEncodeGoldenBytesWhenLeaveIsSigned() {
        MembershipOp leave = MembershipOp.leave(ALICE, SESSION, hlc(60, 1));

        assertThat(HEX.formatHex(leave.encoded())).isEqualTo(GOLDEN_LEAVE_HEX);
        assertThat(leave.encoded()).hasSize(MembershipOp.FIXED_LENGTH).hasSize(156);
    }

    @Test
    void shouldReadEveryFieldBackWhenEachKindRoundTrips() {
        InviteToken invite = invite(CREATOR, 3, 1);
        MembershipOp[] ops = {
            MembershipOp.join(ALICE, invite, hlc(1, 0)),
            MembershipOp.leave(ALICE, SESSION, hlc(2, 0)),
            MembershipOp.kick(CREATOR, SESSION, BOB.nodeId(), hlc(3, 0)),
            MembershipOp.ban(CREATOR, SESSION, BOB.nodeId(), hlc(4, 0))
        };
        for (MembershipOp op : ops) {
            MembershipOp.Decoded decoded = MembershipOp.decode(op.encoded());
            assertThat(decoded.reject()).isEqualTo(MembershipReject.NONE);
            assertThat(decoded.op()).isEqualTo(op);
            assertThat(decoded.op().encoded()).isEqualTo(op.encoded());
        }
        MembershipOp join = MembershipOp.decode(ops[0].encoded()).op();
        assertThat(join.kind()).isEqualTo(MembershipOp.Kind.JOIN);
        assertThat(join.subject()).isEqualTo(ALICE.nodeId());
        assertThat(join.actor()).isEqualTo(ALICE.nodeId());
        assertThat(join.hlc()).isEqualTo(hlc(1, 0));
        assertThat(join.invite()).contains(invite);
        assertThat(join.encoded()).hasSize(MembershipOp.FIXED_LENGTH + invite.encoded().length);
        MembershipOp ban = MembershipOp.decode(ops[3].encoded()).op();
        assertThat(ban.subject()).isEqualTo(BOB.nodeId());
        assertThat(ban.actor()).isEqualTo(CREATOR.nodeId());
        assertThat(ban.invite()).isEmpty();
    }

    @Test
    void shouldRefuseToCreateWhenInvitePresenceDisagreesWithKind() {
        assertThatThrownBy(() ->
                        MembershipOp.create(ALICE, MembershipOp.Kind.JOIN, SESSION, ALICE.nodeId(), hlc(0, 0), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MembershipOp.create(
                        ALICE, MembershipOp.Kind.LEAVE, SESSION, ALICE.nodeId(), hlc(0, 0), invite(CREATOR, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectMalformedWhenLengthsDisagree() {
        byte[] leave = HEX.parseHex(GOLDEN_LEAVE_HEX);
        byte[] join = MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)).encoded();

        assertThat(reject(new byte[0])).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        assertThat(reject(Arrays.copyOf(leave, leave.length - 1))).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        assertThat(reject(Arrays.copyOf(leave, leave.length + 1))).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        assertThat(reject(Arrays.copyOf(join, join.length - 1))).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        assertThat(reject(new byte[MembershipOp.ENCODED_LENGTH_MAX + 1]))
                .isEqualTo(MembershipReject.MEMBERSHIP_VERSION);
        byte[] huge = new byte[MembershipOp.ENCODED_LENGTH_MAX + 1];
        huge[0] = 1;
        assertThat(reject(huge)).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        // A JOIN without an invite, and a LEAVE claiming one.
        byte[] joinWithout = leave.clone();
        joinWithout[MembershipOp.KIND_OFFSET] = (byte) MembershipOp.Kind.JOIN.code();
        assertThat(reject(joinWithout)).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
        byte[] leaveWith = join.clone();
        leaveWith[MembershipOp.KIND_OFFSET] = (byte) MembershipOp.Kind.LEAVE.code();
        assertThat(reject(leaveWith)).isEqualTo(MembershipReject.MEMBERSHIP_MALFORMED);
    }

    @Test
    void shouldRejectVersionAndKindWhenUnknown() {
        byte[] version = HEX.parseHex(GOLDEN_LEAVE_HEX);
        version[MembershipOp.VERSION_OFFSET] = 2;
        byte[] kind = HEX.parseHex(GOLDEN_LEAVE_HEX);
        kind[MembershipOp.KIND_OFFSET] = 5;
        byte[] zero = HEX.parseHex(GOLDEN_LEAVE_HEX);
        zero[MembershipOp.KIND_OFFSET] = 0;

        assertThat(reject(version)).isEqualTo(MembershipReject.MEMBERSHIP_VERSION);
        assertThat(reject(kind)).isEqualTo(MembershipReject.MEMBERSHIP_KIND);
        assertThat(reject(zero)).isEqualTo(MembershipReject.MEMBERSHIP_KIND);
    }

    @Test
    void shouldRejectInviteWhenJoinCarriesAnAlteredInviteUnderAValidSignature() {
        byte[] join = MembershipOp.join(ALICE, invite(CREATOR, 1, 1), hlc(1, 0)).encoded();
        // Alice raises the invite's max uses from 1 to 255 and signs the op again: the inviter's signature fails.
        join[MembershipOp.INVITE_OFFSET + InviteToken.MAX_USES_OFFSET + 1] = (byte) 0xFF;

        assertThat(reject(resign(ALICE, join))).isEqualTo(MembershipReject.MEMBERSHIP_INVITE);
    }

    @Test
    void shouldRejectSignatureWhenActorDidNotSign() {
        byte[] leave = HEX.parseHex(GOLDEN_LEAVE_HEX);
        // Bob claims to be the actor of Alice's signed LEAVE.
        BOB.nodeId().copyTo(leave, MembershipOp.ACTOR_OFFSET);
        assertThat(reject(leave)).isEqualTo(MembershipReject.MEMBERSHIP_SIGNATURE);

        byte[] later = HEX.parseHex(GOLDEN_LEAVE_HEX);
        later[MembershipOp.HLC_OFFSET + 7] ^= 1;
        assertThat(reject(later)).isEqualTo(MembershipReject.MEMBERSHIP_SIGNATURE);
    }

    @Test
    void shouldNeverAcceptWhenAnyByteIsFlipped() {
        byte[][] goldens = {
            HEX.parseHex(GOLDEN_LEAVE_HEX),
            MembershipOp.join(ALICE, invite(CREATOR, 2, 1), hlc(1, 0)).encoded()
        };
        for (byte[] golden : goldens) {
            for (int i = 0; i < golden.length; i++) {
                byte[] tampered = golden.clone();
                tampered[i] ^= (byte) 0x41;
                MembershipOp.Decoded decoded = MembershipOp.decode(tampered);
                assertThat(decoded.accepted())
                        .as("byte %d flipped: %s", i, decoded.reject())
                        .isFalse();
            }
        }
    }

    @Test
    void shouldHaveLabelAndDescriptionForEveryReason() {
        for (MembershipReject reason : MembershipReject.values()) {
            assertThat(reason.label()).matches("[a-z_]+");
            assertThat(reason.description()).isNotBlank();
        }
    }

    private static MembershipReject reject(byte[] bytes) {
        return MembershipOp.decode(bytes).reject();
    }

    /** Signs {@code op} again as {@code actor} would, after its bytes were changed. */
    static byte[] resign(Identity actor, byte[] op) {
        byte[] domain = "elara-membership-op-v1".getBytes(StandardCharsets.US_ASCII);
        int signedLength = op.length - Identity.SIGNATURE_LENGTH;
        byte[] message = new byte[domain.length + signedLength];
        System.arraycopy(domain, 0, message, 0, domain.length);
        System.arraycopy(op, 0, message, domain.length, signedLength);
        byte[] signed = op.clone();
        System.arraycopy(actor.sign(message), 0, signed, signedLength, Identity.SIGNATURE_LENGTH);
        return signed;
    }
}
