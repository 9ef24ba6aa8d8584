package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.NodeId;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.SessionId;
import io.elara.node.membership.InviteToken;
import io.elara.node.membership.Membership;
import io.elara.node.membership.MembershipOp;
import io.elara.node.membership.MembershipReject;
import io.elara.node.session.Overlay;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A 1,000-member session on real protected cores (virtual network): the "converges after a partition heals"
 * at full size. Too slow for every build (about ten minutes of CPU), so it runs on request:
 * {@code ./mvnw -pl node-core test -Dtest=NodeCoreLargeSessionTest -Delara.large=true}. The session is built as every
 * member would find it after a restart (its membership from the database, and the peers of its ring neighbours): the
 * 999 joins themselves cost O(n²) operation transfers and are covered at 100 members by {@link NodeCoreOverlayTest}.
 */
@EnabledIfSystemProperty(named = "elara.large", matches = "true")
class NodeCoreLargeSessionTest {
    private static final int MEMBERS = 1000;
    private static final long HOUR_MS = 3_600_000L;

    private final CoreNetwork network = new CoreNetwork(1000);
    private final List<Member> members = new ArrayList<>();

    private long now() {
        return network.clock.nowNs();
    }

    /** Every member starts from the same stored membership, knowing the addresses of its ring neighbours. */
    private void restoredSession() {
        long startedNs = System.nanoTime();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(network.add("m" + i, 20_000 + i, b -> b));
        }
        SessionId id = new SessionId(0x1a2b3c4d5e6f7081L, 0x1122334455667788L);
        Member creator = members.get(0);
        Membership membership = Membership.create(id, creator.identity.nodeId());
        long nowMs = now() / 1_000_000L;
        InviteToken invite = InviteToken.create(
                creator.identity,
                id,
                "team",
                List.of(creator.address),
                Instant.ofEpochMilli(nowMs + HOUR_MS),
                0,
                new SecureRandom());
        for (int i = 1; i < MEMBERS; i++) {
            MembershipOp join = MembershipOp.join(members.get(i).identity, invite, (nowMs - 60_000L + i) << 16);
            assertThat(membership.apply(join)).isEqualTo(MembershipReject.NONE);
        }
        byte[] snapshot = membership.encode();
        List<NodeId> ids = members.stream().map(m -> m.identity.nodeId()).toList();
        for (Member member : members) {
            NodeId self = member.identity.nodeId();
            List<SessionLayer.SavedPeer> peers = new ArrayList<>();
            for (NodeId neighbour : Overlay.of(id, self, ids).neighbours(n -> true)) {
                Member other = members.get(ids.indexOf(neighbour));
                peers.add(new SessionLayer.SavedPeer(neighbour, other.name, other.address));
            }
            member.core.restoreSessions(List.of(new SessionLayer.SavedSession(id, "team", snapshot)), peers);
        }
        System.out.printf(
                Locale.ROOT,
                "%d members restored in %d ms of CPU time%n",
                MEMBERS,
                (System.nanoTime() - startedNs) / 1_000_000L);
        network.runFor(Duration.ofSeconds(5));
        System.out.printf(
                Locale.ROOT,
                "overlay of %d settled after %d ms of CPU time%n",
                MEMBERS,
                (System.nanoTime() - startedNs) / 1_000_000L);
    }

    @Test
    void shouldReachEveryoneAndConvergeAfterAPartitionHealsWithAThousandMembers() throws Exception {
        restoredSession();
        // One message to all: hops and traffic per member, against the same time without a message (keepalives).
        long idleBefore = network.datagramsCarried;
        network.runFor(Duration.ofMillis(2_010));
        double idlePerMember = (network.datagramsCarried - idleBefore) / (double) MEMBERS;
        long datagramsBefore = network.datagramsCarried;
        long sentNs = now();
        Member first = members.get(1);
        CompletableFuture<SendResult> sent = first.core.sendText(SendTarget.session("team"), "hello all", now());
        long[] arrivedMs = new long[MEMBERS];
        Arrays.fill(arrivedMs, -1);
        network.runUntil(
                () -> {
                    int missing = 0;
                    for (int i = 0; i < MEMBERS; i++) {
                        Member member = members.get(i);
                        if (member != first && arrivedMs[i] < 0) {
                            if (member.texts().contains("m1: hello all")) {
                                arrivedMs[i] = (now() - sentNs) / 1_000_000L;
                            } else {
                                missing++;
                            }
                        }
                    }
                    return missing == 0;
                },
                Duration.ofMinutes(2),
                "the first message to reach all");
        assertThat(sent).isNotCompletedExceptionally();
        network.runFor(Duration.ofNanos(sentNs + 2_010_000_000L - now()));
        long[] sorted = Arrays.stream(arrivedMs).filter(ms -> ms >= 0).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "%d members: one message reached %d others, latency p50 %d ms, p99 %d ms, max %d ms;"
                        + " %.1f datagrams per member in the 2 s from the send, %.1f in 2 s without a message%n",
                MEMBERS,
                sorted.length,
                sorted[sorted.length / 2],
                sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
                sorted[sorted.length - 1],
                (network.datagramsCarried - datagramsBefore) / (double) MEMBERS,
                idlePerMember);

        // A partition: half the members (chosen at random) cannot reach the other half for 60 s, past the time after
        // which a silent neighbour is passed over; members on both sides talk meanwhile.
        SplittableRandom random = new SplittableRandom(7);
        Set<Member> half = new HashSet<>();
        for (Member member : members) {
            if (random.nextBoolean()) {
                half.add(member);
            }
        }
        network.partitioned = half;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Member from = members.get(random.nextInt(MEMBERS));
            assertThat(from.core.sendText(SendTarget.session("team"), "split " + i, now()))
                    .isNotCompletedExceptionally();
            lines.add(from.name + ": split " + i);
            network.runFor(Duration.ofSeconds(10));
        }
        for (String line : lines) {
            assertThat(members.stream().filter(m -> m.texts().contains(line)).count())
                    .as("'%s' stays on its side while split", line)
                    .isLessThan(MEMBERS - 1);
        }
        network.partitioned = null;
        long healedNs = now();
        network.runUntil(
                () -> members.stream().allMatch(m -> m.missing(lines) == 0),
                Duration.ofMinutes(3),
                "every message to reach every member after the partition healed");
        System.out.printf(
                Locale.ROOT,
                "%d members: converged %.1f s after a 60 s partition healed%n",
                MEMBERS,
                (now() - healedNs) / 1e9);
        for (Member member : members) {
            assertThat(member.texts().stream()
                            .filter(t -> t.contains(": split ") || t.contains("hello all"))
                            .toList())
                    .as(member.name)
                    .doesNotHaveDuplicates();
        }
    }
}
