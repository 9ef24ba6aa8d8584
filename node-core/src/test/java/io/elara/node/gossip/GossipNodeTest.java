package io.elara.node.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.EventId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GossipNodeTest {
    private static final EventId ID = new EventId(7, 9);
    private static final byte[] PAYLOAD = {1, 2, 3};

    /** Records what the node sends and delivers; links in {@link #stuck} are not writable. */
    static final class RecordingOutbox implements GossipOutbox {
        static final class Sent {
            private final int peer;
            private final byte[] frame;

            Sent(int peer, byte[] frame) {
                this.peer = peer;
                this.frame = frame;
            }

            int peer() {
                return peer;
            }

            byte[] frame() {
                return frame;
            }

            byte type() {
                return frame[GossipFrame.TYPE_OFFSET];
            }
        }

        final List<Sent> sent = new ArrayList<>();
        final List<EventId> delivered = new ArrayList<>();
        final Set<Integer> stuck = new HashSet<>();

        @Override
        public boolean writable(int peer) {
            return !stuck.contains(peer);
        }

        @Override
        public void send(int peer, byte[] frame) {
            sent.add(new Sent(peer, frame));
        }

        @Override
        public void deliver(EventId id, byte[] payload, int hops) {
            delivered.add(id);
        }

        List<Sent> to(int peer, byte type) {
            return sent.stream()
                    .filter(s -> s.peer() == peer && s.type() == type)
                    .toList();
        }
    }

    private final RecordingOutbox out = new RecordingOutbox();

    /** A node with members 1..{@code members} of which 1..{@code neighbours} asked it to be neighbours. */
    private GossipNode node(int members, int neighbours, GossipConfig config) {
        GossipNode node = new GossipNode(0, config, new SplittableRandom(42));
        for (int peer = 1; peer <= members; peer++) {
            node.addMember(peer);
        }
        for (int peer = 1; peer <= neighbours; peer++) {
            receive(node, peer, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 1), 0);
        }
        node.start(0, out);
        out.sent.clear();
        return node;
    }

    private GossipReject receive(GossipNode node, int from, byte[] frame, long nowNs) {
        return node.onDatagram(from, frame, 0, frame.length, nowNs, out);
    }

    @Test
    void shouldDeliverOnceWhenTheSameMessageArrivesFromTwoNeighbours() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 10);
        receive(node, 2, GossipFrame.gossip(ID, PAYLOAD, 1, true), 20);
        assertThat(out.delivered).containsExactly(ID);
        assertThat(node.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldPruneTheLinkWhenADuplicateArrivesOverTheTree() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 10);
        receive(node, 2, GossipFrame.gossip(ID, PAYLOAD, 2, false), 20);
        assertThat(out.to(2, GossipFrame.TYPE_PRUNE)).hasSize(1);
        assertThat(node.eagerPeers()).containsExactly(1);
    }

    @Test
    void shouldKeepTheTreeWhenTheDuplicateIsMarkedRedundant() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 10);
        receive(node, 2, GossipFrame.gossip(ID, PAYLOAD, 2, true), 20);
        assertThat(out.to(2, GossipFrame.TYPE_PRUNE)).isEmpty();
        assertThat(node.eagerPeers()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void shouldStopEagerPushWhenANeighbourSendsPrune() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 2, GossipFrame.control(GossipFrame.TYPE_PRUNE, 0), 10);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 5, false), 20);
        // Five hops out is past the redundant top-up, so only the tree pushes: the pruned link gets an IHAVE.
        assertThat(out.to(2, GossipFrame.TYPE_GOSSIP)).isEmpty();
        assertThat(out.to(2, GossipFrame.TYPE_IHAVE)).hasSize(1);
    }

    @Test
    void shouldGraftFromTheAnnouncerWhenTheAnnouncedMessageDoesNotArriveInTime() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 2, GossipFrame.control(GossipFrame.TYPE_PRUNE, 0), 0);
        receive(node, 2, GossipFrame.ids(GossipFrame.TYPE_IHAVE, 0, new EventId[] {ID}, 0, 1), 100);
        long graftAtNs = 100 + GossipConfig.DEFAULT.graftTimeoutNs();
        assertThat(node.nextDeadlineNs()).isEqualTo(graftAtNs);
        node.onTimer(graftAtNs - 1, out);
        assertThat(out.to(2, GossipFrame.TYPE_GRAFT)).isEmpty();
        node.onTimer(graftAtNs, out);
        List<RecordingOutbox.Sent> grafts = out.to(2, GossipFrame.TYPE_GRAFT);
        assertThat(grafts).hasSize(1);
        GossipFrame frame = new GossipFrame();
        assertThat(frame.wrap(grafts.get(0).frame(), 0, grafts.get(0).frame().length))
                .isEqualTo(GossipReject.NONE);
        assertThat(frame.flags())
                .as("a neighbour's GRAFT also repairs the tree")
                .isZero();
        assertThat(frame.id(0)).isEqualTo(ID);
        assertThat(node.eagerPeers()).contains(2);
    }

    @Test
    void shouldNotGraftWhenThePayloadArrivesBeforeTheTimeout() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 2, GossipFrame.ids(GossipFrame.TYPE_IHAVE, 0, new EventId[] {ID}, 0, 1), 100);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 200);
        node.onTimer(100 + GossipConfig.DEFAULT.graftTimeoutNs(), out);
        assertThat(out.to(2, GossipFrame.TYPE_GRAFT)).isEmpty();
    }

    @Test
    void shouldAnswerAGraftWithThePayloadWhenItIsCached() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 10);
        out.sent.clear();
        receive(node, 3, GossipFrame.ids(GossipFrame.TYPE_GRAFT, GossipFrame.FLAG_PULL, new EventId[] {ID}, 0, 1), 20);
        List<RecordingOutbox.Sent> answers = out.to(3, GossipFrame.TYPE_GOSSIP);
        assertThat(answers).hasSize(1);
        GossipFrame frame = new GossipFrame();
        frame.wrap(answers.get(0).frame(), 0, answers.get(0).frame().length);
        assertThat(frame.payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void shouldAnswerADigestAndPullWhatItLacksWhenAMemberSendsASummary() {
        GossipNode node = node(3, 0, GossipConfig.DEFAULT);
        node.broadcast(new EventId(1, 1), PAYLOAD, 0, out);
        out.sent.clear();
        receive(
                node,
                3,
                GossipFrame.ids(GossipFrame.TYPE_IHAVE, GossipFrame.FLAG_SUMMARY, new EventId[] {ID}, 0, 1),
                5);
        assertThat(out.to(3, GossipFrame.TYPE_IHAVE)).as("digest reply").hasSize(1);
        assertThat(out.to(3, GossipFrame.TYPE_GRAFT))
                .as("pull of the unknown id")
                .hasSize(1);
    }

    @Test
    void shouldAnnounceInsteadOfPushingAndBoundTheQueueWhenANeighbourIsStuck() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        out.stuck.add(2);
        byte[] payload = new byte[1_000];
        for (int i = 0; i < 200; i++) {
            node.broadcast(new EventId(i, i), payload, i, out);
        }
        assertThat(out.to(1, GossipFrame.TYPE_GOSSIP))
                .as("the healthy neighbour gets every payload")
                .hasSize(200);
        assertThat(node.queuedBytes(2)).isLessThanOrEqualTo(GossipConfig.DEFAULT.queueBytesMax());
        assertThat(node.queuedBytesObservedMax()).isLessThanOrEqualTo(GossipConfig.DEFAULT.queueBytesMax());
        out.stuck.clear();
        node.flush(300, out);
        long payloadsToStuck = out.to(2, GossipFrame.TYPE_GOSSIP).size();
        long announcedToStuck = out.to(2, GossipFrame.TYPE_IHAVE).size();
        assertThat(payloadsToStuck)
                .as("payloads queued before the high-water mark only")
                .isLessThan(200);
        assertThat(announcedToStuck).as("the rest announced lazily").isPositive();
    }

    @Test
    void shouldDropTheNeighbourWhenItStaysStuckPastTheSlowPeerTimeout() {
        GossipNode node = node(3, 2, GossipConfig.DEFAULT);
        out.stuck.add(2);
        byte[] payload = new byte[1_000];
        for (int i = 0; i < 100; i++) {
            node.broadcast(new EventId(i, i), payload, 0, out);
        }
        long dropAtNs = GossipConfig.DEFAULT.slowPeerTimeoutNs();
        // Keep the healthy neighbour alive meanwhile.
        receive(node, 1, GossipFrame.control(GossipFrame.TYPE_HEARTBEAT, 0), dropAtNs - 1);
        node.onTimer(dropAtNs, out);
        assertThat(node.activeView()).doesNotContain(2).contains(1);
        assertThat(node.slowPeersDropped()).isEqualTo(1);
        assertThat(node.queuedBytes(2)).isZero();
    }

    @Test
    void shouldReplaceANeighbourFromThePassiveViewWhenItFallsSilent() {
        GossipNode node = node(6, 1, GossipConfig.DEFAULT.withFanout(1, 1, 0));
        long silentNs = GossipConfig.DEFAULT.failureTimeoutNs();
        node.onTimer(silentNs, out);
        assertThat(node.activeView()).isEmpty();
        assertThat(node.neighborFailures()).isEqualTo(1);
        List<RecordingOutbox.Sent> requests = out.sent.stream()
                .filter(s -> s.type() == GossipFrame.TYPE_NEIGHBOR)
                .toList();
        assertThat(requests).hasSize(1);
        int candidate = requests.get(0).peer();
        receive(node, candidate, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR_REPLY, 1), silentNs + 1);
        assertThat(node.activeView()).containsExactly(candidate);
    }

    @Test
    void shouldEvictARandomNeighbourWhenAHighPriorityRequestFindsTheViewFull() {
        GossipNode node = node(4, 1, GossipConfig.DEFAULT.withFanout(1, 1, 0));
        receive(node, 2, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 0), 5);
        assertThat(out.to(2, GossipFrame.TYPE_NEIGHBOR_REPLY).get(0).frame()[GossipFrame.ARGUMENT_OFFSET])
                .as("low priority is refused when full")
                .isZero();
        receive(node, 3, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 1), 6);
        assertThat(node.activeView()).containsExactly(3);
        assertThat(out.to(1, GossipFrame.TYPE_DISCONNECT)).hasSize(1);
    }

    @Test
    void shouldCountTheRejectWhenAFrameComesFromANonMemberOrAPruneFromANonNeighbour() {
        GossipNode node = node(2, 0, GossipConfig.DEFAULT);
        byte[] prune = GossipFrame.control(GossipFrame.TYPE_PRUNE, 0);
        assertThat(receive(node, 9, prune, 1)).isEqualTo(GossipReject.GOSSIP_NOT_MEMBER);
        assertThat(receive(node, 1, prune, 2)).isEqualTo(GossipReject.GOSSIP_NOT_NEIGHBOUR);
        assertThat(receive(node, 1, new byte[] {1, 4, 0}, 3)).isEqualTo(GossipReject.GOSSIP_TOO_SHORT);
        assertThat(node.rejects(GossipReject.GOSSIP_NOT_MEMBER)).isEqualTo(1);
        assertThat(node.rejects(GossipReject.GOSSIP_NOT_NEIGHBOUR)).isEqualTo(1);
        assertThat(node.rejects(GossipReject.GOSSIP_TOO_SHORT)).isEqualTo(1);
    }

    @Test
    void shouldNotDeliverAgainWhenTheIdWasRestoredFromTheStore() {
        GossipNode node = node(2, 1, GossipConfig.DEFAULT);
        node.restore(ID);
        receive(node, 1, GossipFrame.gossip(ID, PAYLOAD, 1, false), 1);
        assertThat(out.delivered).isEmpty();
    }

    @Test
    void shouldForgetTheOldestIdWhenTheSeenSetIsFull() {
        SeenSet seen = new SeenSet(2);
        assertThat(seen.add(new EventId(0, 1))).isTrue();
        assertThat(seen.add(new EventId(0, 2))).isTrue();
        assertThat(seen.add(new EventId(0, 2))).isFalse();
        assertThat(seen.add(new EventId(0, 3))).isTrue();
        assertThat(seen.contains(new EventId(0, 1))).isFalse();
        assertThat(seen.size()).isEqualTo(2);
    }

    @Test
    void shouldCoverTheWholeCacheWhenDigestsAreTakenInTurn() {
        MessageCache cache = new MessageCache(100);
        for (int i = 0; i < 100; i++) {
            cache.put(new EventId(0, i), PAYLOAD, 0);
        }
        Set<EventId> covered = new HashSet<>();
        EventId[] digest = new EventId[GossipFrame.IDS_MAX];
        for (int round = 0; round < 4; round++) {
            int count = cache.digest(digest, GossipFrame.IDS_MAX);
            assertThat(count).isEqualTo(GossipFrame.IDS_MAX);
            covered.addAll(List.of(digest).subList(0, count));
        }
        assertThat(covered).hasSize(100);
    }
}
