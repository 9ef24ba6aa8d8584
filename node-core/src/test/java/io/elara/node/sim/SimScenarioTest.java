package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Simulation scenarios: whole worlds of node cores run from fixed seeds, with every invariant checked as they run and
 * replicas compared once the network has healed. A failure prints the seed and the command that replays it.
 */
class SimScenarioTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private static SimSummary run(SimScenario scenario, long seed, String method) {
        String replay = "./mvnw -B -ntp -pl node-core -am verify -Dtest='SimScenarioTest#" + method
                + "' -Dsurefire.failIfNoSpecifiedTests=false";
        SimSummary summary = new SimWorld(scenario, seed, replay).run();
        assertThat(summary.passed()).as(summary.toText()).isTrue();
        assertThat(summary.settled()).as(summary.toText()).isTrue();
        assertThat(summary.rejects()).as(summary.toText()).doesNotContainKeys("malformed-event", "packet-too-short");
        assertThat(summary.rejects()).as(summary.toText()).doesNotContainKeys("frame_malformed");
        if (summary.deliveries() > 0) {
            assertThat(summary.invariants()
                            .get("events of one author delivered in the order sent")
                            .checks())
                    .isEqualTo(summary.deliveries());
        }
        return summary;
    }

    @Test
    @DisplayName("sim: chat with loss (3 nodes, 5% loss, 20 s)")
    void shouldConvergeWhenThreeNodesChatOverALossyNetwork() {
        // Goal: the smallest session delivers everything despite loss, duplication and reordering.
        // Method: one session of three, 5% loss, run 20 s of traffic, let it settle, compare replicas.
        SimScenario scenario = SimScenario.defaults(3, 20 * SECOND_NS).withLink(LinkProfile.DEFAULT.withLoss(0.05));
        SimSummary summary = run(scenario, 3, "shouldConvergeWhenThreeNodesChatOverALossyNetwork");
        assertThat(summary.sends().sent()).isGreaterThan(10);
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(2 * summary.sends().sent());
        assertThat(summary.datagrams().lost()).isPositive();
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
    }

    @Test
    @DisplayName("sim: chat with loss (10 nodes, 10% loss, 30 s)")
    void shouldConvergeWhenTenNodesChatOverAVeryLossyNetwork() {
        // Goal: retransmission covers heavy loss in a session of ten. Method: 10% loss on every link, 30 s of traffic.
        SimScenario scenario = SimScenario.defaults(10, 30 * SECOND_NS).withLink(LinkProfile.DEFAULT.withLoss(0.10));
        SimSummary summary = run(scenario, 10, "shouldConvergeWhenTenNodesChatOverAVeryLossyNetwork");
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(9 * summary.sends().sent());
        assertThat(summary.latencyNsP99()).isGreaterThan(summary.latencyNsP50());
    }

    @Test
    @DisplayName("sim: chat with loss (100 nodes in sessions of 10, 2% loss, 20 s)")
    void shouldConvergeWhenAHundredNodesChatInTenSessions() {
        // Goal: many sessions side by side stay separate and complete. Method: 100 nodes, ten sessions of ten.
        SimScenario scenario = SimScenario.defaults(100, 20 * SECOND_NS).withLink(LinkProfile.DEFAULT.withLoss(0.02));
        SimSummary summary = run(scenario, 100, "shouldConvergeWhenAHundredNodesChatInTenSessions");
        assertThat(summary.sessions()).isEqualTo(10);
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(9 * summary.sends().sent());
    }

    @Test
    @DisplayName("sim: partition heals (3 nodes, n0002 cut off from 5 s to 15 s)")
    void shouldDeliverEverythingWhenAPartitionHealsWithinTheDeliveryTimeout() {
        // Goal: what is sent across a short partition arrives once it heals. Method: cut one node off for 10 s,
        // shorter than the 30 s delivery timeout, with traffic on both sides; every send must end acknowledged.
        SimScenario scenario = SimScenario.defaults(3, 25 * SECOND_NS)
                .withTraffic(2)
                .withPartitions(List.of(new SimScenario.PartitionPlan(5 * SECOND_NS, 15 * SECOND_NS, List.of(2))));
        SimSummary summary = run(scenario, 31, "shouldDeliverEverythingWhenAPartitionHealsWithinTheDeliveryTimeout");
        assertThat(summary.datagrams().partitioned()).isPositive();
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
        assertThat(summary.latencyNsMax()).isGreaterThan(5 * SECOND_NS);
        // Replicas are compared one second after the heal, mid-run (3 members), and again at the end (3 more).
        assertThat(summary.invariants().get("replicas converge after healing").checks())
                .isEqualTo(6);
    }

    @Test
    @DisplayName("sim: NAT rebinds (4 nodes, 3% loss; n0001 rebinds at 6 s and 14 s, n0003 at 9 s)")
    void shouldDeliverEverythingExactlyOnceInOrderWhenNatsRebind() {
        // Goal: a peer whose NAT rebinds is followed to its new address and nothing is lost or repeated. Method: three
        // rebinds in mid-traffic over a lossy network; each drops what was on its way to the old address; the other
        // members move the peer once its authenticated packets come from the new one, and every send must end
        // acknowledged by everyone, delivered once, in order (checked as the run goes).
        SimScenario scenario = SimScenario.defaults(4, 20 * SECOND_NS)
                .withTraffic(2)
                .withLink(LinkProfile.DEFAULT.withLoss(0.03))
                .withRebinds(List.of(
                        new SimScenario.RebindPlan(6 * SECOND_NS, 1),
                        new SimScenario.RebindPlan(9 * SECOND_NS, 3),
                        new SimScenario.RebindPlan(14 * SECOND_NS, 1)));
        SimSummary summary = run(scenario, 44, "shouldDeliverEverythingExactlyOnceInOrderWhenNatsRebind");
        assertThat(summary.rebinds()).isEqualTo(3);
        assertThat(summary.datagrams().toOldAddress())
                .as("the old mappings really were cut")
                .isPositive();
        assertThat(summary.migrations())
                .as("each rebind moves the node at each of its 3 peers")
                .isEqualTo(9);
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(3 * summary.sends().sent());
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
    }

    @Test
    @DisplayName(
            "sim: clocks off within the bound (5 nodes, n0000 25 s ahead, n0001 25 s behind, n0002 crashes; 5% loss)")
    void shouldDeliverEverythingExactlyOnceInOrderWhenClocksDisagreeWithinTheBound() {
        // Goal: wall clocks that disagree by 50 s, inside the node's 60 s bound on a clock ahead, lose and repeat
        // nothing, also across a crash. Method: one node 25 s ahead, one 25 s behind, every time each core sees on its
        // own clock (deadlines included); the node between them crashes and restarts; every send must end
        // acknowledged, delivered once to each member, in its author's order, and the replicas must agree.
        SimScenario scenario = SimScenario.defaults(5, 20 * SECOND_NS)
                .withTraffic(2)
                .withLink(LinkProfile.DEFAULT.withLoss(0.05))
                .withCrashes(List.of(new SimScenario.CrashPlan(8 * SECOND_NS, 2, 2 * SECOND_NS)))
                .withClocks(List.of(
                        new SimScenario.ClockPlan(0, 25 * SECOND_NS), new SimScenario.ClockPlan(1, -25 * SECOND_NS)));
        SimSummary summary =
                run(scenario, 25, "shouldDeliverEverythingExactlyOnceInOrderWhenClocksDisagreeWithinTheBound");
        assertThat(summary.rejects()).doesNotContainKey("hlc_future");
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.comparedEvents()).isPositive();
        assertThat(summary.latencyNsMax())
                .as("latencies are on true time: no delivery took as long as the clocks are apart")
                .isLessThan(10 * SECOND_NS);
        assertThat(summary.toText()).contains("clocks off: node 0 +25.0 s, node 1 -25.0 s");
    }

    @Test
    @DisplayName("sim: a clock past the bound (4 nodes, n0003 90 s ahead)")
    void shouldRefuseEveryEventOfAClockPastTheBoundAndKeepTheOthersChatting() {
        // Goal: the simulator's clocks reach the node's check of a clock ahead, and a node past it harms no one.
        // Method: one node 90 s ahead of three others; its events are refused as dated in the future and so never
        // acknowledged (its sends fail at the delivery timeout); the three others' events, which it accepts, are all
        // acknowledged by everyone, in order, once.
        SimScenario scenario = SimScenario.defaults(4, 20 * SECOND_NS)
                .withTraffic(1)
                .withClocks(List.of(new SimScenario.ClockPlan(3, 90 * SECOND_NS)));
        SimSummary summary = run(scenario, 90, "shouldRefuseEveryEventOfAClockPastTheBoundAndKeepTheOthersChatting");
        assertThat(summary.rejects().get("hlc_future"))
                .as("the three others refuse the ahead node's events")
                .isPositive();
        assertThat(summary.sends().failed()).as("the ahead node's sends").isPositive();
        assertThat(summary.sends().acknowledged() + summary.sends().failed())
                .isEqualTo(summary.sends().sent());
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().acknowledged());
        assertThat(summary.deliveries())
                .as("each acknowledged event reaches its three other members; the refused ones reach no one")
                .isEqualTo(3 * summary.sends().acknowledged());
    }

    @Test
    @DisplayName("sim: partition outlasts the delivery timeout (4 nodes, two cut off from 5 s to 45 s)")
    void shouldConvergeOnAcknowledgedEventsWhenAPartitionOutlastsTheDeliveryTimeout() {
        // Goal: a long partition makes sends fail honestly, and replicas still agree on what everyone acknowledged.
        // Method: split four nodes two and two for 40 s; sends across the cut time out after 30 s and, with no
        // anti-entropy yet, are never re-sent, so only events acknowledged by all members are compared.
        SimScenario scenario = SimScenario.defaults(4, 50 * SECOND_NS)
                .withPartitions(List.of(new SimScenario.PartitionPlan(5 * SECOND_NS, 45 * SECOND_NS, List.of(2, 3))));
        SimSummary summary =
                run(scenario, 45, "shouldConvergeOnAcknowledgedEventsWhenAPartitionOutlastsTheDeliveryTimeout");
        assertThat(summary.sends().failed()).isPositive();
        assertThat(summary.sends().acknowledged()).isPositive();
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().acknowledged());
    }

    @Test
    @DisplayName("sim: crash and restart (10 nodes, n0003 down 10 s to 15 s, n0007 down from 20 s)")
    void shouldKeepInvariantsWhenNodesCrashAndRestart() {
        // Goal: crashes lose only what the crashed node held (nothing is persisted yet) and never break the others.
        // Method: one node crashes and restarts empty with its identity; another crashes for good. Sends to the dead
        // node fail after the delivery timeout; the restarted node is compared on what was sent after its restart.
        SimScenario scenario = SimScenario.defaults(10, 30 * SECOND_NS)
                .withTraffic(1)
                .withCrashes(List.of(
                        new SimScenario.CrashPlan(10 * SECOND_NS, 3, 5 * SECOND_NS),
                        new SimScenario.CrashPlan(20 * SECOND_NS, 7, -1)));
        SimSummary summary = run(scenario, 77, "shouldKeepInvariantsWhenNodesCrashAndRestart");
        assertThat(summary.crashes()).isEqualTo(2);
        assertThat(summary.restarts()).isEqualTo(1);
        assertThat(summary.sends().failed()).isPositive();
        assertThat(summary.datagrams().toCrashedNode()).isPositive();
        assertThat(summary.comparedEvents()).isPositive();
    }

    @Test
    @DisplayName("sim: slow member (5 nodes, n0004 behind 400 ms links capped at 8 kB/s)")
    void shouldDeliverEverythingWhenOneMemberSitsBehindASlowNarrowLink() {
        // Goal: per-link profiles apply, and a slow, narrow member still receives everything in order.
        // Method: every link of one node gets 400 ms latency and an 8,000 bytes/s cap; others keep the defaults.
        SimScenario scenario = SimScenario.defaults(5, 20 * SECOND_NS).withTraffic(2);
        scenario = new SimScenario(
                scenario.nodes(),
                scenario.sessionSize(),
                scenario.sessionGroups(),
                scenario.messagesPerSecond(),
                scenario.textBytesMin(),
                scenario.textBytesMax(),
                scenario.link(),
                List.of(new SimScenario.LinkPlan(
                        List.of(4), new LinkProfile(400 * SECOND_NS / 1000, 0, 0.01, 0, 0, 8000))),
                scenario.partitions(),
                scenario.crashes(),
                scenario.rebinds(),
                scenario.clocks(),
                scenario.durationNs(),
                scenario.settleNs());
        SimSummary summary = run(scenario, 4, "shouldDeliverEverythingWhenOneMemberSitsBehindASlowNarrowLink");
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.latencyNsP50()).isLessThan(100 * SECOND_NS / 1000);
        assertThat(summary.latencyNsP99()).isGreaterThan(400 * SECOND_NS / 1000);
    }

    @Test
    @DisplayName("sim: chat with heavy loss (3 nodes, 30% loss, 20 s)")
    void shouldDeliverEverythingExactlyOnceInOrderWhenThirtyPercentOfDatagramsAreLost() {
        // Goal: selective acknowledgements and probes recover even heavy loss within the delivery timeout.
        // Method: three nodes, 30% loss on every link (data, acknowledgements and handshakes alike), 20 s of traffic;
        // every send must end acknowledged, delivered once to each member, in its author's order.
        SimScenario scenario = SimScenario.defaults(3, 20 * SECOND_NS).withLink(LinkProfile.DEFAULT.withLoss(0.30));
        SimSummary summary =
                run(scenario, 30, "shouldDeliverEverythingExactlyOnceInOrderWhenThirtyPercentOfDatagramsAreLost");
        assertThat(summary.sends().sent()).isGreaterThan(10);
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(2 * summary.sends().sent());
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
    }

    @Test
    @DisplayName("sim: chat over a duplicating, reordering network (4 nodes, 10% duplicated, 20% reordered, 20 s)")
    void shouldDeliverEverythingExactlyOnceInOrderWhenDatagramsAreDuplicatedAndReordered() {
        // Goal: copies and overtaking datagrams neither duplicate nor reorder deliveries, and do not make the sender
        // resend what arrived. Method: 10% of datagrams arrive twice, 20% are held back past later ones, 2% lost.
        LinkProfile link = new LinkProfile(20 * SECOND_NS / 1000, 10 * SECOND_NS / 1000, 0.02, 0.10, 0.20, 0);
        SimScenario scenario =
                SimScenario.defaults(4, 20 * SECOND_NS).withTraffic(2).withLink(link);
        SimSummary summary =
                run(scenario, 12, "shouldDeliverEverythingExactlyOnceInOrderWhenDatagramsAreDuplicatedAndReordered");
        assertThat(summary.datagrams().duplicated()).isPositive();
        assertThat(summary.datagrams().reordered()).isPositive();
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(3 * summary.sends().sent());
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
    }
}
