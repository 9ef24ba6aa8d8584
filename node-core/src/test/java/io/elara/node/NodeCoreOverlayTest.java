package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.RejectReason;
import io.elara.node.session.Overlay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sessions larger than a full mesh, between protected cores on a virtual network that carries each datagram in one
 * millisecond (one network hop): members joined through random other members, each links to at most ten
 * neighbours, and events pushed over the overlay reach every member exactly once, in few hops even at 5% loss per
 * packet, with each member sending a bounded number of copies whatever the session's size.
 */
class NodeCoreOverlayTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    private final CoreNetwork network = new CoreNetwork(97);
    private final List<Member> members = new ArrayList<>();

    private long now() {
        return network.clock.nowNs();
    }

    /** {@code n} members: the first creates the session, each other joins with an invite from a random member. */
    private void session(int n, long seed) throws SendException {
        long startedNs = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            members.add(network.add("m" + i, 20_000 + i, b -> b));
        }
        members.get(0).core.createSession("team", now());
        for (int i = 1; i < n; i++) {
            Member inviter = members.get(random.nextInt(i));
            String token =
                    inviter.core.invite("team", 1, now() / 1_000_000L + HOUR_MS, List.of(inviter.address), now());
            CompletableFuture<String> joined = new CompletableFuture<>();
            members.get(i).core.join(token, null, now(), joined);
            network.runUntil(joined::isDone, LIMIT, "m" + i + " to join");
            assertThat(joined.join()).isEqualTo("team");
        }
        System.out.printf(
                Locale.ROOT, "joins done after %d ms of CPU time%n", (System.nanoTime() - startedNs) / 1_000_000L);
        network.runUntil(() -> everyoneSees(n), LIMIT, "every member to know all " + n);
        // Let the overlay settle: every member dials its neighbours and syncs with them.
        network.runFor(Duration.ofSeconds(2));
        long whole = 0;
        long newer = 0;
        for (Member member : members) {
            whole += member.core.membershipOpsSent()[0];
            newer += member.core.membershipOpsSent()[1];
        }
        System.out.printf(
                Locale.ROOT,
                "session of %d built in %d ms; membership operations sent: %d in whole memberships, %d as newer only%n",
                n,
                (System.nanoTime() - startedNs) / 1_000_000L,
                whole,
                newer);
    }

    private boolean everyoneSees(int n) {
        for (Member member : members) {
            if (member.core.sessionList().stream()
                    .noneMatch(
                            info -> info.name().equals("team") && info.members().size() == n)) {
                return false;
            }
        }
        return true;
    }

    private static int neighbours(Member member) {
        return member.core.sessions().byName("team").members().size();
    }

    /** One message from {@code from}; returns when each other member got it, in ms after it was sent. */
    private long[] broadcast(Member from, String text) {
        long sentNs = now();
        Map<Member, Long> arrived = new HashMap<>();
        String line = from.name + ": " + text;
        CompletableFuture<SendResult> sent = from.core.sendText(SendTarget.session("team"), text, now());
        network.runUntil(
                () -> {
                    for (Member member : members) {
                        if (member != from
                                && !arrived.containsKey(member)
                                && member.texts().contains(line)) {
                            arrived.put(member, (now() - sentNs) / 1_000_000L);
                        }
                    }
                    return arrived.size() == members.size() - 1;
                },
                LIMIT,
                "'" + text + "' to reach everyone");
        assertThat(sent).isNotCompletedExceptionally();
        return arrived.values().stream().mapToLong(Long::longValue).toArray();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    @Test
    void shouldReachEveryMemberOfAFortyMemberSessionOverABoundedOverlay() throws Exception {
        // Goal: past the full-mesh size, members link to at most 10 neighbours, yet every message reaches every member
        // exactly once. Method: with forwarding switched off (EventStages' forwarder not called) only the author's
        // neighbours get a message, and this test times out.
        session(40, 1);
        for (Member member : members) {
            assertThat(neighbours(member)).as(member.name).isBetween(2, 2 * Overlay.RINGS);
            SessionInfo info = member.core.sessionList().get(0);
            assertThat(info.propagation()).isEqualTo("overlay");
            assertThat(info.members().stream()
                            .filter(SessionInfo.Member::neighbour)
                            .count())
                    .isEqualTo(neighbours(member));
            // Liveness is told only of what this node watches: its neighbours are online, the others unknown.
            for (SessionInfo.Member other : info.members()) {
                if (!other.self()) {
                    assertThat(other.liveness())
                            .as("%s at %s", other.name(), member.name)
                            .isEqualTo(other.neighbour() || other.connected() ? "online" : "unknown");
                }
            }
            assertThat(member.core.rejects().get(RejectReason.NOT_MEMBER)).isZero();
        }
        long forwardedBefore =
                members.stream().mapToLong(m -> m.core.eventsForwarded()).sum();
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 10; i++) {
            broadcast(members.get(random.nextInt(members.size())), "hello " + i);
        }
        network.runFor(Duration.ofSeconds(1));
        for (Member member : members) {
            List<String> texts = member.texts();
            assertThat(texts.stream().filter(t -> t.contains(": hello ")).count())
                    .as("%s got each message once", member.name)
                    .isEqualTo(texts.stream()
                            .filter(t -> t.contains(": hello "))
                            .distinct()
                            .count());
            assertThat(member.core.rejects().get(RejectReason.NOT_MEMBER)).isZero();
            // The only control refused is a JOIN made in the same millisecond as its inviter's own admission (the
            // joiner then joins again, ordered after it): membership_inviter, which session_control also counts.
            NodeStatus status = member.core.status(now());
            assertThat(status.rejected(RejectReason.SESSION_CONTROL))
                    .as(member.name)
                    .isEqualTo(status.rejects().getOrDefault("membership_inviter", 0L));
        }
        long forwarded =
                members.stream().mapToLong(m -> m.core.eventsForwarded()).sum() - forwardedBefore;
        assertThat(forwarded).isPositive();
        // Each member sends a message at most once per neighbour: 10 messages, 40 members, 10 neighbours.
        assertThat(forwarded).isLessThanOrEqualTo(10L * 40 * 2 * Overlay.RINGS);
        System.out.printf(
                Locale.ROOT, "overlay 40 members: forwarded copies per member per message %.1f%n", forwarded / 400.0);

        // Peers met while the session grew (inviters, joiners, neighbours the membership moved away) are forgotten
        // once idle, so a large session does not fill limits.peers-max; messages still reach everyone, and a member
        // whose peer was forgotten can still be written to by name.
        int peersBefore =
                members.stream().mapToInt(m -> m.core.peers().size()).max().orElseThrow();
        network.runFor(Duration.ofSeconds(150));
        long retired = members.stream().mapToLong(m -> m.core.peersRetired()).sum();
        int peersAfter =
                members.stream().mapToInt(m -> m.core.peers().size()).max().orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "overlay 40 members: most peers held %d after the joins, %d once idle ones were retired (%d retired)%n",
                peersBefore,
                peersAfter,
                retired);
        assertThat(retired).isPositive();
        assertThat(peersAfter).isLessThanOrEqualTo(2 * Overlay.RINGS + 2).isLessThan(peersBefore);
        assertThat(broadcast(members.get(3), "after retiring")).hasSize(members.size() - 1);
        Member writer = members.stream()
                .filter(m -> m.core.peersRetired() > 0)
                .findFirst()
                .orElseThrow();
        String gone = members.stream()
                .map(m -> m.name)
                .filter(name -> !name.equals(writer.name) && writer.core.peers().byName(name) == null)
                .findFirst()
                .orElseThrow();
        CompletableFuture<SendResult> direct = writer.core.sendText(SendTarget.peer(gone), "just to you", now());
        network.runUntil(direct::isDone, LIMIT, "a direct message to a retired member");
        assertThat(direct.join().acknowledgedBy()).containsExactly(gone);
    }

    @Test
    void shouldConvergeAfterAPartitionHeals() throws Exception {
        // Goal: a 40-member session split in two halves for 150 s (past the idle timeout of secure sessions and the
        // time after which a silent neighbour is passed over), each half talking, has every message on both sides once
        // the halves reach each other again, each shown once. Method: while split, each message stays on its side;
        // after the heal the members must find their neighbours across again and anti-entropy must carry what the
        // other half said.
        session(40, 5);
        Set<Member> half = new HashSet<>();
        for (int i = 0; i < members.size(); i += 2) {
            half.add(members.get(i));
        }
        network.partitioned = half;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Member from = members.get(i * 7 % members.size());
            CompletableFuture<SendResult> sent = from.core.sendText(SendTarget.session("team"), "split " + i, now());
            assertThat(sent).isNotCompletedExceptionally();
            lines.add(from.name + ": split " + i);
            network.runFor(Duration.ofSeconds(25));
        }
        for (String line : lines) {
            assertThat(members.stream().filter(m -> m.texts().contains(line)).count())
                    .as("'%s' stays on its side while split", line)
                    .isLessThan(members.size() - 1);
        }
        network.partitioned = null;
        long healedNs = now();
        network.runUntil(
                () -> members.stream().allMatch(m -> m.missing(lines) == 0),
                LIMIT,
                "every message to reach every member after the partition healed");
        System.out.printf(
                Locale.ROOT,
                "overlay 40 members: converged %.1f s after a 150 s partition healed%n",
                (now() - healedNs) / 1e9);
        for (Member member : members) {
            assertThat(member.texts().stream()
                            .filter(t -> t.contains(": split "))
                            .toList())
                    .as(member.name)
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldDeliverWithinFewHopsAtFivePercentLossInAHundredMemberSession() throws Exception {
        // Goal: the target, on real cores: a 100-member session at 5% loss per packet delivers a message to
        // every member with p99 latency under 4 network hops. Each datagram takes 1 ms here, so latency in ms is hops.
        session(100, 3);
        network.loss = 0.05;
        SplittableRandom random = new SplittableRandom(4);
        List<Long> all = new ArrayList<>();
        long datagramsBefore = network.datagramsCarried;
        long forwardedBefore =
                members.stream().mapToLong(m -> m.core.eventsForwarded()).sum();
        for (int i = 0; i < 20; i++) {
            for (long ms : broadcast(members.get(random.nextInt(members.size())), "lossy " + i)) {
                all.add(ms);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "overlay 100 members, 5%% loss: %d deliveries, hops p50 %d, p90 %d, p99 %d, max %d; datagrams per member"
                        + " per message %.1f; forwarded copies per member per message %.1f%n",
                sorted.length,
                percentile(sorted, 0.50),
                percentile(sorted, 0.90),
                percentile(sorted, 0.99),
                sorted[sorted.length - 1],
                (network.datagramsCarried - datagramsBefore) / (20.0 * 100),
                (members.stream().mapToLong(m -> m.core.eventsForwarded()).sum() - forwardedBefore) / (20.0 * 100));
        assertThat(sorted).hasSize(20 * 99);
        assertThat(percentile(sorted, 0.99)).isLessThan(4);
    }
}
