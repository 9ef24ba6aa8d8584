package io.elara.node.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.RejectReason;
import io.elara.node.lane.Reassembler;
import io.elara.node.lane.ReassemblyBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzz target for the FRAGMENT frame decoder and the reassembler behind it. Properties: {@link
 * FragmentFrameFlyweight#check} never throws and returns only {@code NONE} or {@code fragment_malformed}; a body it
 * accepts encodes back to the same bytes; the reassembler, fed the accepted body twice in order, never throws and
 * releases all its memory once abandoned. Under plain {@code mvn test} the target replays its seeds from {@code
 * src/test/resources/io/elara/node/wire/FragmentFrameFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FragmentFrameFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzFragmentBody(byte[] body) {
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        ByteBuf encoded = Unpooled.buffer();
        try {
            FragmentFrameFlyweight fragment = new FragmentFrameFlyweight();
            RejectReason reason = fragment.wrap(buffer, 0, body.length);
            if (reason == RejectReason.FRAGMENT_MALFORMED) {
                return;
            }
            if (reason != RejectReason.NONE) {
                throw new IllegalStateException("unexpected reason " + reason);
            }
            // Re-encode from a body of Total Length whose slice holds the same data.
            if (fragment.totalLength() <= 1 << 20) {
                byte[] whole = new byte[(int) fragment.totalLength()];
                buffer.getBytes(fragment.dataIndex(), whole, (int) fragment.fragmentOffset(), fragment.dataLength());
                FragmentFrameFlyweight.encode(
                        encoded, fragment.sequence(), whole, (int) fragment.fragmentOffset(), fragment.dataLength());
                encoded.skipBytes(FrameType.HEADER_LENGTH);
                if (!encoded.equals(buffer)) {
                    throw new IllegalStateException("an accepted body does not encode back to itself");
                }
            }
            ReassemblyBudget budget = new ReassemblyBudget(1 << 20, 1 << 22, EventFrameCodec.bodyLengthMax(1024));
            Reassembler reassembler = new Reassembler(budget);
            Reassembler.Sink sink = new Reassembler.Sink() {
                @Override
                public void reassembled(ByteBuf whole) {
                    EventFrameCodec.checkStructure(whole, whole.readerIndex(), whole.readableBytes());
                }

                @Override
                public void rejected(RejectReason rejected) {
                    // Expected for most inputs; the property is only that nothing throws.
                }
            };
            reassembler.takeInOrder(buffer, 0, body.length, sink);
            reassembler.takeInOrder(buffer, 0, body.length, sink);
            new io.elara.node.lane.ReliableReceiver(reassembler).discard();
            if (budget.bytes() != 0) {
                throw new IllegalStateException("memory left held after discard: " + budget.bytes());
            }
        } finally {
            buffer.release();
            encoded.release();
        }
    }
}
