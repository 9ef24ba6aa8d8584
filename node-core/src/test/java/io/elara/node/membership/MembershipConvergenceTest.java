package io.elara.node.membership;

import static io.elara.node.membership.MembershipFixtures.CREATOR;
import static io.elara.node.membership.MembershipFixtures.SESSION;
import static io.elara.node.membership.MembershipFixtures.hlc;
import static io.elara.node.membership.MembershipFixtures.identity;
import static io.elara.node.membership.MembershipFixtures.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Goal: replicas that receive the same membership operations in different orders show the same members. Method: from
 * a seed, build a history of JOINs (invites from the creator and from other nodes, some with one use, some raced),
 * LEAVEs, KICKs, BANs and re-joins at random clocks; apply it in three shuffled orders, one of them through a snapshot
 * taken half-way; compare members, bans and snapshot bytes, and check that no banned node is a member.
 */
class MembershipConvergenceTest {
    private static final int NODES = 6;
    private static final List<Identity> NODE_IDENTITIES = nodes();

    private static List<Identity> nodes() {
        List<Identity> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(identity(10 + i));
        }
        return List.copyOf(nodes);
    }

    @Property(tries = 60)
    void shouldShowTheSameMembersWhenOperationsArriveInAnyOrder(@ForAll long seed) {
        List<MembershipOp> history = history(new Random(seed));

        Membership reference = replicaOf(history, new Random(seed ^ 1));
        for (int replica = 2; replica <= 3; replica++) {
            Membership other = replica == 3
                    ? throughSnapshot(history, new Random(seed ^ replica))
                    : replicaOf(history, new Random(seed ^ replica));
            assertThat(other.members()).as("seed %d, replica %d", seed, replica).isEqualTo(reference.members());
            assertThat(other.bans()).isEqualTo(reference.bans());
            assertThat(other.encode()).isEqualTo(reference.encode());
        }
        for (var banned : reference.bans()) {
            assertThat(reference.isMember(banned))
                    .as("seed %d: banned %s", seed, banned)
                    .isFalse();
        }
        // The histories are not trivial: most leave members besides the creator, many ban someone.
        Statistics.label("members besides the creator")
                .collect(reference.members().size() > 1);
        Statistics.label("members besides the creator")
                .coverage(checker -> checker.check(true).percentage(p -> p >= 50));
        Statistics.label("someone banned").collect(!reference.bans().isEmpty());
        Statistics.label("someone banned")
                .coverage(checker -> checker.check(true).percentage(p -> p >= 30));
        assertThat(reference.members()).contains(CREATOR.nodeId());
    }

    private static Membership replicaOf(List<MembershipOp> history, Random random) {
        List<MembershipOp> order = new ArrayList<>(history);
        Collections.shuffle(order, random);
        Membership membership = Membership.create(SESSION, CREATOR.nodeId());
        order.forEach(membership::apply);
        return membership;
    }

    /** Half the operations, a snapshot of them decoded elsewhere, then the other half in another order. */
    private static Membership throughSnapshot(List<MembershipOp> history, Random random) {
        List<MembershipOp> order = new ArrayList<>(history);
        Collections.shuffle(order, random);
        Membership first = Membership.create(SESSION, CREATOR.nodeId());
        order.subList(0, order.size() / 2).forEach(first::apply);
        Membership second = Membership.decode(first.encode()).membership();
        order.subList(order.size() / 2, order.size()).forEach(second::apply);
        return second;
    }

    /** A history of 10 to 30 operations over {@link #NODES} nodes and the creator, clocks within one minute. */
    private static List<MembershipOp> history(Random random) {
        List<MembershipOp> ops = new ArrayList<>();
        int count = 10 + random.nextInt(21);
        for (int i = 0; i < count; i++) {
            Identity subject = NODE_IDENTITIES.get(random.nextInt(NODES));
            long clock = hlc(random.nextInt(60), random.nextInt(4));
            int choice = random.nextInt(10);
            if (choice < 5) {
                // An invite from the creator or from a node that may or may not be a member by then.
                Identity inviter = random.nextBoolean() ? CREATOR : NODE_IDENTITIES.get(random.nextInt(NODES));
                if (inviter.equals(subject)) {
                    inviter = CREATOR;
                }
                // Few invite seeds, so several JOINs redeem the same one-use invite.
                ops.add(MembershipOp.join(subject, invite(inviter, random.nextInt(3), random.nextInt(4)), clock));
            } else if (choice < 7) {
                ops.add(MembershipOp.leave(subject, SESSION, clock));
            } else if (choice < 9) {
                ops.add(MembershipOp.kick(CREATOR, SESSION, subject.nodeId(), clock));
            } else {
                ops.add(MembershipOp.ban(CREATOR, SESSION, subject.nodeId(), clock));
            }
        }
        return ops;
    }
}
