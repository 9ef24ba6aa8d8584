package io.elara.node.gossip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.EventId;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fuzz target for the gossip frame decoder. Properties: {@link GossipFrame#wrap} never throws; a frame it accepts
 * encodes back to exactly its input; a {@link GossipNode} fed the input from a member (as the first frame and after
 * it has a neighbour) never throws and counts any refusal. Under plain {@code mvn test} the target replays its seeds
 * from {@code src/test/resources/io/elara/node/gossip/GossipFrameFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for
 * real.
 */
class GossipFrameFuzzTest {
    private static final GossipOutbox DISCARD = new GossipOutbox() {
        @Override
        public boolean writable(int peer) {
            return true;
        }

        @Override
        public void send(int peer, byte[] frame) {
            // Discarded: the target checks that the node survives the input, not what it answers.
        }

        @Override
        public void deliver(EventId id, byte[] payload, int hops) {
            // Discarded, as above.
        }
    };

    @FuzzTest(maxDuration = "60s")
    void fuzzFrame(byte[] input) {
        GossipFrame frame = new GossipFrame();
        GossipReject reason = frame.wrap(input, 0, input.length);
        if (reason == GossipReject.NONE && !Arrays.equals(reencode(frame), input)) {
            throw new IllegalStateException("an accepted frame does not encode back to itself");
        }
        GossipNode node = new GossipNode(0, GossipConfig.DEFAULT, new SplittableRandom(1));
        node.addMember(1);
        node.start(0, DISCARD);
        GossipReject first = node.onDatagram(1, input, 0, input.length, 1, DISCARD);
        if (reason != GossipReject.NONE && first != reason) {
            throw new IllegalStateException("the node gave " + first + " where the decoder gave " + reason);
        }
        byte[] neighbor = GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 1);
        node.onDatagram(1, neighbor, 0, neighbor.length, 2, DISCARD);
        node.onDatagram(1, input, 0, input.length, 3, DISCARD);
        node.onTimer(Math.min(node.nextDeadlineNs(), 10_000_000_000L), DISCARD);
    }

    private static byte[] reencode(GossipFrame frame) {
        byte type = frame.type();
        if (type == GossipFrame.TYPE_GOSSIP) {
            return GossipFrame.gossip(
                    frame.id(0), frame.payload(), frame.argument(), (frame.flags() & GossipFrame.FLAG_REDUNDANT) != 0);
        }
        if (type == GossipFrame.TYPE_IHAVE || type == GossipFrame.TYPE_GRAFT) {
            EventId[] ids = new EventId[frame.idCount()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = frame.id(i);
            }
            return GossipFrame.ids(type, frame.flags(), ids, 0, ids.length);
        }
        return GossipFrame.control(type, frame.argument());
    }
}
