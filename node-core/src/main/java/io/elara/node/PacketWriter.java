package io.elara.node;

import io.elara.node.event.Event;
import io.elara.node.lane.ReliableSender;
import io.elara.node.peer.Peer;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;

/**
 * Packs frames for one peer into as few datagrams as fit ({@link PacketHeaderFlyweight#DATAGRAM_LENGTH_MAX} each).
 * Owns the datagram being filled until {@link #finish} hands it to the outbox; {@link #abort} releases it if something
 * failed before that.
 */
final class PacketWriter implements ReliableSender.FrameSink {
    private final Outbox outbox;
    private final EventFrameCodec codec = new EventFrameCodec();
    private Peer peer;
    private long epoch;
    private ByteBuf current;
    private long datagrams;
    private long bytes;

    PacketWriter(Outbox outbox) {
        this.outbox = outbox;
    }

    void begin(Peer recipient) {
        this.peer = recipient;
        this.epoch = recipient.sender().epoch();
    }

    void ack(long ackedEpoch, long nextExpected) {
        room(AckFrameFlyweight.FRAME_LENGTH);
        AckFrameFlyweight.encode(current, ackedEpoch, nextExpected);
    }

    @Override
    public void event(long sequence, Event event) {
        room(EventFrameCodec.frameLength(event));
        codec.encode(current, sequence, event);
    }

    /** Sends the datagram being filled, if any. */
    void finish() {
        if (current != null) {
            ByteBuf datagram = current;
            current = null;
            datagrams++;
            bytes += datagram.readableBytes();
            peer.sentDatagram();
            outbox.send(datagram, peer.address());
        }
    }

    /** Releases a datagram that was never handed over; a no-op after {@link #finish}. */
    void abort() {
        if (current != null) {
            ByteBuf datagram = current;
            current = null;
            datagram.release();
        }
    }

    long datagrams() {
        return datagrams;
    }

    long bytes() {
        return bytes;
    }

    private void room(int frameLength) {
        if (current != null && current.writerIndex() + frameLength > PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX) {
            finish();
        }
        if (current == null) {
            current = outbox.allocate();
            PacketHeaderFlyweight.encode(current, epoch);
        }
    }
}
