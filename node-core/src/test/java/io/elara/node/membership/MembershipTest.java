package io.elara.node.membership;

import static io.elara.node.membership.MembershipFixtures.ALICE;
import static io.elara.node.membership.MembershipFixtures.BOB;
import static io.elara.node.membership.MembershipFixtures.CAROL;
import static io.elara.node.membership.MembershipFixtures.CREATOR;
import static io.elara.node.membership.MembershipFixtures.MALLORY;
import static io.elara.node.membership.MembershipFixtures.NOW;
import static io.elara.node.membership.MembershipFixtures.SESSION;
import static io.elara.node.membership.MembershipFixtures.hlc;
import static io.elara.node.membership.MembershipFixtures.invite;
import static io.elara.node.membership.MembershipFixtures.seededRandom;
import static io.elara.node.membership.MembershipFixtures.twoAddresses;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.SessionId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {
    private static Membership session() {
        return Membership.create(SESSION, CREATOR.nodeId());
    }

    @Test
    void shouldHoldTheCreatorAloneWhenSessionIsNew() {
        Membership membership = session();

        assertThat(membership.members()).containsExactly(CREATOR.nodeId());
        assertThat(membership.creator()).isEqualTo(CREATOR.nodeId());
        assertThat(membership.isMember(ALICE.nodeId())).isFalse();
    }

    @Test
    void shouldAdmitWhenInviteIsFromCreatorOrFromAMember() {
        Membership membership = session();

        assertThat(membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0))))
                .isEqualTo(MembershipReject.NONE);
        // Alice, now a member, invites Bob.
        assertThat(membership.apply(MembershipOp.join(BOB, invite(ALICE, 0, 2), hlc(2, 0))))
                .isEqualTo(MembershipReject.NONE);

        assertThat(membership.members()).containsExactlyInAnyOrder(CREATOR.nodeId(), ALICE.nodeId(), BOB.nodeId());
    }

    @Test
    void shouldNotAdmitWhenInviteIsSignedByANonMember() {
        Membership membership = session();

        // Mallory signs an invite of her own into the session: a forged invite.
        MembershipReject reject = membership.apply(MembershipOp.join(BOB, invite(MALLORY, 0, 1), hlc(1, 0)));

        assertThat(reject).isEqualTo(MembershipReject.MEMBERSHIP_INVITER);
        assertThat(reject.held()).isTrue();
        assertThat(membership.isMember(BOB.nodeId())).isFalse();
    }

    @Test
    void shouldAdmitAHeldJoinWhenTheInvitersJoinArrivesAfterIt() {
        Membership membership = session();
        MembershipOp bobJoins = MembershipOp.join(BOB, invite(ALICE, 0, 2), hlc(2, 0));

        assertThat(membership.apply(bobJoins)).isEqualTo(MembershipReject.MEMBERSHIP_INVITER);
        assertThat(membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0))))
                .isEqualTo(MembershipReject.NONE);

        assertThat(membership.isMember(BOB.nodeId())).isTrue();
    }

    @Test
    void shouldNotAdmitWhenInviteWasSignedByAMemberWhoHadLeftBeforeTheJoin() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.leave(ALICE, SESSION, hlc(2, 0)));

        assertThat(membership.apply(MembershipOp.join(BOB, invite(ALICE, 0, 2), hlc(3, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_INVITER);
        assertThat(membership.members()).containsExactly(CREATOR.nodeId());
    }

    @Test
    void shouldRejectWhenJoinIsMadeAfterTheInviteExpired() {
        Membership membership = session();
        InviteToken invite =
                InviteToken.create(CREATOR, SESSION, "lobby", twoAddresses(), NOW.plusSeconds(10), 0, seededRandom(1));

        assertThat(membership.apply(MembershipOp.join(ALICE, invite, hlc(10, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_INVITE_EXPIRED);
        assertThat(membership.ops()).isEmpty();
        assertThat(membership.apply(MembershipOp.join(ALICE, invite, hlc(9, 9))))
                .isEqualTo(MembershipReject.NONE);
    }

    @Test
    void shouldAdmitOnlyAsManyAsMaxUsesWhenJoinsRaceForOneInvite() {
        InviteToken once = invite(CREATOR, 1, 1);
        MembershipOp aliceFirst = MembershipOp.join(ALICE, once, hlc(5, 0));
        MembershipOp bobSecond = MembershipOp.join(BOB, once, hlc(5, 1));

        Membership inOrder = session();
        assertThat(inOrder.apply(aliceFirst)).isEqualTo(MembershipReject.NONE);
        assertThat(inOrder.apply(bobSecond)).isEqualTo(MembershipReject.MEMBERSHIP_INVITE_USED_UP);

        // Another replica hears Bob first; once Alice's earlier JOIN arrives, Bob's loses on that replica too.
        Membership reversed = session();
        assertThat(reversed.apply(bobSecond)).isEqualTo(MembershipReject.NONE);
        assertThat(reversed.apply(aliceFirst)).isEqualTo(MembershipReject.NONE);

        assertThat(reversed.members()).isEqualTo(inOrder.members()).contains(ALICE.nodeId());
        assertThat(reversed.isMember(BOB.nodeId())).isFalse();
    }

    @Test
    void shouldSpendNoUseWhenAMemberJoinsAgainWhileStillAMember() {
        InviteToken twice = invite(CREATOR, 2, 1);
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, twice, hlc(1, 0)));
        membership.apply(MembershipOp.join(ALICE, twice, hlc(2, 0)));

        assertThat(membership.apply(MembershipOp.join(BOB, twice, hlc(3, 0)))).isEqualTo(MembershipReject.NONE);
        assertThat(membership.apply(MembershipOp.join(CAROL, twice, hlc(4, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_INVITE_USED_UP);
    }

    @Test
    void shouldRejectWhenJoinIsSignedByAnotherNodeThanItsSubject() {
        Membership membership = session();
        MembershipOp forged = MembershipOp.create(
                MALLORY, MembershipOp.Kind.JOIN, SESSION, BOB.nodeId(), hlc(1, 0), invite(CREATOR, 0, 1));

        assertThat(membership.apply(forged)).isEqualTo(MembershipReject.MEMBERSHIP_NOT_SELF);
    }

    @Test
    void shouldRejectLeaveWhenSignedByAnotherMember() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.join(BOB, invite(CREATOR, 0, 2), hlc(2, 0)));

        MembershipOp bobLeavesForAlice =
                MembershipOp.create(BOB, MembershipOp.Kind.LEAVE, SESSION, ALICE.nodeId(), hlc(3, 0), null);

        assertThat(membership.apply(bobLeavesForAlice)).isEqualTo(MembershipReject.MEMBERSHIP_NOT_SELF);
        assertThat(membership.isMember(ALICE.nodeId())).isTrue();
    }

    @Test
    void shouldRemoveTheMemberWhenItLeaves() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));

        assertThat(membership.apply(MembershipOp.leave(ALICE, SESSION, hlc(2, 0))))
                .isEqualTo(MembershipReject.NONE);
        assertThat(membership.isMember(ALICE.nodeId())).isFalse();
        assertThat(membership.apply(MembershipOp.leave(BOB, SESSION, hlc(3, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_NOT_MEMBER);
    }

    @Test
    void shouldRejectKickAndBanWhenNotSignedByTheCreator() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.join(BOB, invite(CREATOR, 0, 2), hlc(2, 0)));

        assertThat(membership.apply(MembershipOp.kick(ALICE, SESSION, BOB.nodeId(), hlc(3, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_NOT_CREATOR);
        assertThat(membership.apply(MembershipOp.ban(ALICE, SESSION, BOB.nodeId(), hlc(3, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_NOT_CREATOR);
        assertThat(membership.isMember(BOB.nodeId())).isTrue();

        assertThat(membership.apply(MembershipOp.kick(CREATOR, SESSION, BOB.nodeId(), hlc(4, 0))))
                .isEqualTo(MembershipReject.NONE);
        assertThat(membership.isMember(BOB.nodeId())).isFalse();
    }

    @Test
    void shouldLetAKickedMemberRejoinWithALaterJoinButNeverABannedOne() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.join(BOB, invite(CREATOR, 0, 2), hlc(2, 0)));
        membership.apply(MembershipOp.kick(CREATOR, SESSION, ALICE.nodeId(), hlc(3, 0)));
        membership.apply(MembershipOp.ban(CREATOR, SESSION, BOB.nodeId(), hlc(3, 0)));

        assertThat(membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 3), hlc(4, 0))))
                .isEqualTo(MembershipReject.NONE);
        assertThat(membership.apply(MembershipOp.join(BOB, invite(CREATOR, 0, 4), hlc(4, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_BANNED);

        assertThat(membership.members()).containsExactlyInAnyOrder(CREATOR.nodeId(), ALICE.nodeId());
        assertThat(membership.bans()).containsExactly(BOB.nodeId());
    }

    @Test
    void shouldKeepTheBanWhenARejoinIsConcurrentWithItInEitherOrder() {
        MembershipOp aliceJoins = MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0));
        MembershipOp ban = MembershipOp.ban(CREATOR, SESSION, ALICE.nodeId(), hlc(5, 0));
        // Alice rejoins on a replica that has not seen the ban, with clocks on either side of it.
        MembershipOp rejoinBefore = MembershipOp.join(ALICE, invite(CREATOR, 0, 2), hlc(4, 0));
        MembershipOp rejoinAfter = MembershipOp.join(ALICE, invite(CREATOR, 0, 3), hlc(6, 0));
        List<List<MembershipOp>> orders = List.of(
                List.of(aliceJoins, ban, rejoinBefore, rejoinAfter),
                List.of(aliceJoins, rejoinAfter, rejoinBefore, ban),
                List.of(rejoinAfter, ban, aliceJoins, rejoinBefore));

        for (List<MembershipOp> order : orders) {
            Membership membership = session();
            order.forEach(membership::apply);
            assertThat(membership.isMember(ALICE.nodeId()))
                    .as("order %s", order)
                    .isFalse();
            assertThat(membership.bans()).containsExactly(ALICE.nodeId());
        }
    }

    @Test
    void shouldRejectWhenOperationWouldRemoveOrReadmitTheCreator() {
        Membership membership = session();

        assertThat(membership.apply(MembershipOp.leave(CREATOR, SESSION, hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_CREATOR);
        assertThat(membership.apply(MembershipOp.kick(CREATOR, SESSION, CREATOR.nodeId(), hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_CREATOR);
        assertThat(membership.apply(MembershipOp.ban(CREATOR, SESSION, CREATOR.nodeId(), hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_CREATOR);
        assertThat(membership.apply(MembershipOp.join(CREATOR, invite(CREATOR, 0, 1), hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_CREATOR);
        assertThat(membership.members()).containsExactly(CREATOR.nodeId());
    }

    @Test
    void shouldRejectWhenOperationOrItsInviteIsForAnotherSession() {
        Membership membership = session();
        SessionId other = SessionId.forName("elsewhere");
        InviteToken elsewhere = InviteToken.create(
                CREATOR, other, "elsewhere", twoAddresses(), NOW.plusSeconds(60), 0, seededRandom(1));
        MembershipOp joinWithForeignInvite =
                MembershipOp.create(ALICE, MembershipOp.Kind.JOIN, SESSION, ALICE.nodeId(), hlc(1, 0), elsewhere);

        assertThat(membership.apply(MembershipOp.join(ALICE, elsewhere, hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_SESSION);
        assertThat(membership.apply(joinWithForeignInvite)).isEqualTo(MembershipReject.MEMBERSHIP_SESSION);
        assertThat(membership.apply(MembershipOp.leave(ALICE, other, hlc(1, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_SESSION);
    }

    @Test
    void shouldRejectDuplicateWhenTheSameOperationArrivesTwice() {
        Membership membership = session();
        MembershipOp join = MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0));

        membership.apply(join);

        assertThat(membership.apply(MembershipOp.decode(join.encoded()).op()))
                .isEqualTo(MembershipReject.MEMBERSHIP_DUPLICATE);
        assertThat(membership.ops()).hasSize(1);
    }

    @Test
    void shouldRejectLimitWhenTheSessionHoldsAsManyOperationsAsItMay() {
        Membership membership = Membership.create(SESSION, CREATOR.nodeId(), 2);
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.join(BOB, invite(CREATOR, 0, 2), hlc(2, 0)));

        assertThat(membership.apply(MembershipOp.join(CAROL, invite(CREATOR, 0, 3), hlc(3, 0))))
                .isEqualTo(MembershipReject.MEMBERSHIP_LIMIT);
        assertThat(membership.isMember(CAROL.nodeId())).isFalse();
    }

    @Test
    void shouldRestoreTheSameStateWhenSnapshotRoundTrips() {
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        membership.apply(MembershipOp.join(BOB, invite(ALICE, 1, 2), hlc(2, 0)));
        membership.apply(MembershipOp.join(CAROL, invite(ALICE, 1, 2), hlc(3, 0)));
        membership.apply(MembershipOp.ban(CREATOR, SESSION, MALLORY.nodeId(), hlc(4, 0)));

        byte[] snapshot = membership.encode();
        Membership.Decoded decoded = Membership.decode(snapshot);

        assertThat(decoded.reject()).isEqualTo(MembershipReject.NONE);
        Membership restored = decoded.membership();
        assertThat(restored.members()).isEqualTo(membership.members());
        assertThat(restored.bans()).containsExactly(MALLORY.nodeId());
        assertThat(restored.creator()).isEqualTo(CREATOR.nodeId());
        assertThat(restored.sessionId()).isEqualTo(SESSION);
        assertThat(restored.encode()).isEqualTo(snapshot);
        assertThat(Membership.decode(session().encode()).membership().members()).containsExactly(CREATOR.nodeId());
    }

    @Test
    void shouldRestoreItsOwnSnapshotWithoutSignaturesButWithEveryRule() {
        // Goal: a node's own stored snapshot is taken back without checking signatures again (they were checked on
        // arrival), and still with every rule. Method: a damaged signature byte is refused by decode, taken by restore;
        // an operation the creator would refuse is refused by both.
        Membership membership = session();
        membership.apply(MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0)));
        byte[] snapshot = membership.encode();
        byte[] damaged = snapshot.clone();
        damaged[damaged.length - 1] ^= 1; // the last byte of the JOIN's signature
        assertThat(Membership.decode(damaged).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SIGNATURE);
        assertThat(Membership.restore(damaged).membership().members()).isEqualTo(membership.members());
        assertThat(Membership.restore(snapshot).membership().encode()).isEqualTo(snapshot);

        Membership bobs = Membership.create(SESSION, BOB.nodeId());
        bobs.apply(MembershipOp.kick(BOB, SESSION, ALICE.nodeId(), hlc(1, 0)));
        byte[] kicked = bobs.encode();
        CREATOR.nodeId().copyTo(kicked, 1 + SessionId.LENGTH);
        assertThat(Membership.restore(kicked).reject()).isEqualTo(MembershipReject.MEMBERSHIP_NOT_CREATOR);
        assertThat(Membership.restore(Arrays.copyOf(snapshot, snapshot.length - 1))
                        .reject())
                .isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);
    }

    @Test
    void shouldRejectSnapshotWhenDamagedOrOutOfOrder() {
        Membership membership = session();
        MembershipOp first = MembershipOp.join(ALICE, invite(CREATOR, 0, 1), hlc(1, 0));
        MembershipOp second = MembershipOp.leave(ALICE, SESSION, hlc(2, 0));
        membership.apply(first);
        membership.apply(second);
        byte[] snapshot = membership.encode();

        assertThat(Membership.decode(new byte[0]).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);
        assertThat(Membership.decode(Arrays.copyOf(snapshot, snapshot.length - 1))
                        .reject())
                .isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);
        assertThat(Membership.decode(Arrays.copyOf(snapshot, snapshot.length + 1))
                        .reject())
                .isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);
        byte[] version = snapshot.clone();
        version[0] = 2;
        assertThat(Membership.decode(version).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);
        byte[] count = snapshot.clone();
        ByteBuffer.wrap(count).putInt(Membership.SNAPSHOT_HEADER_LENGTH - 4, Integer.MAX_VALUE);
        assertThat(Membership.decode(count).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);

        // The same two operations, second first: not canonical.
        ByteBuffer swapped = ByteBuffer.allocate(snapshot.length);
        swapped.put(snapshot, 0, Membership.SNAPSHOT_HEADER_LENGTH);
        swapped.putShort((short) second.encoded().length).put(second.encoded());
        swapped.putShort((short) first.encoded().length).put(first.encoded());
        assertThat(Membership.decode(swapped.array()).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SNAPSHOT);

        // An operation the snapshot's creator would refuse: it refuses the snapshot with the operation's reason.
        Membership bobs = Membership.create(SESSION, BOB.nodeId());
        bobs.apply(MembershipOp.kick(BOB, SESSION, ALICE.nodeId(), hlc(1, 0)));
        byte[] kicked = bobs.encode();
        CREATOR.nodeId().copyTo(kicked, 1 + SessionId.LENGTH);
        assertThat(Membership.decode(kicked).reject()).isEqualTo(MembershipReject.MEMBERSHIP_NOT_CREATOR);

        // A damaged operation inside refuses the snapshot with its own reason.
        byte[] damaged = snapshot.clone();
        damaged[damaged.length - 1] ^= 1;
        assertThat(Membership.decode(damaged).reject()).isEqualTo(MembershipReject.MEMBERSHIP_SIGNATURE);
    }
}
