package io.elara.node;

import io.elara.node.event.Event;
import io.elara.node.lane.LatencyFirstSender;
import io.elara.node.lane.ReliableSender;
import io.elara.node.lane.TrafficClass;
import io.elara.node.peer.Peer;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.CloseFrameFlyweight;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.FrameType;
import io.elara.node.wire.MediaFrameFlyweight;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.elara.node.wire.PaddingFrame;
import io.elara.node.wire.PingFrameFlyweight;
import io.elara.node.wire.PongFrameFlyweight;
import io.netty.buffer.ByteBuf;

/**
 * Packs frames for one peer into as few packets as fit: a packet grows until, sealed, it would pass the peer's path MTU
 * ({@link io.elara.node.peer.PathMtu#datagramLengthMax}, {@link PacketHeaderFlyweight#DATAGRAM_LENGTH_TARGET} until a
 * probe confirms more); a single larger frame goes alone. Owns the packet being filled until
 * {@link #finish} hands it to the {@link Transmitter}; {@link #abort} releases it if something failed before that.
 */
final class PacketWriter implements ReliableSender.FrameSink, LatencyFirstSender.MediaSink {
    /** Frames are added to a packet while it stays this long or shorter. */
    static final int PACKET_LENGTH_TARGET =
            PacketHeaderFlyweight.DATAGRAM_LENGTH_TARGET - PacketHeaderFlyweight.SEAL_OVERHEAD;

    /** Where finished packets go: sealed and sent, or (protection off) sent as they are. */
    interface Transmitter {
        /** Sends {@code packet} (taking it over) to {@code peer}; returns the bytes put on the wire, 0 if none. */
        int transmit(Peer peer, ByteBuf packet);
    }

    private final Outbox outbox;
    private final Transmitter transmitter;
    private final EventFrameCodec codec = new EventFrameCodec();
    private Peer peer;
    private long epoch;
    private long nowNs;
    /** The peer's packet budget: frames are added while the packet stays this long or shorter. */
    private int packetLengthMax = PACKET_LENGTH_TARGET;

    private ByteBuf current;
    /** This writer as the signal lane's sink: its events become SIGNAL frames in the same packets. */
    private final ReliableSender.FrameSink signalSink = this::signal;

    private long datagrams;
    private long bytes;

    PacketWriter(Outbox outbox, Transmitter transmitter) {
        this.outbox = outbox;
        this.transmitter = transmitter;
    }

    void begin(Peer recipient, long now) {
        this.peer = recipient;
        this.epoch = recipient.sender().epoch();
        this.nowNs = now;
        this.packetLengthMax = recipient.pathMtu().datagramLengthMax() - PacketHeaderFlyweight.SEAL_OVERHEAD;
    }

    /**
     * Sends a path MTU probe of {@code datagramLength} sealed bytes, alone in its packet: a PING, padded with a PADDING
     * frame to the size tested. Any packet being filled leaves first.
     */
    void probe(long pingId, long transmitClockUs, int datagramLength) {
        finish();
        current = outbox.allocate();
        PacketHeaderFlyweight.encode(current, epoch);
        PingFrameFlyweight.encode(current, pingId, transmitClockUs);
        int padding = datagramLength - PacketHeaderFlyweight.SEAL_OVERHEAD - current.writerIndex();
        PaddingFrame.encode(current, padding);
        finish();
    }

    /** Whether a packet is being filled: some frame was added since {@link #begin} or the last {@link #finish}. */
    boolean filling() {
        return current != null;
    }

    /** Adds a PING frame; see {@link PingFrameFlyweight}. */
    void ping(long pingId, long transmitClockUs) {
        room(PingFrameFlyweight.FRAME_LENGTH);
        PingFrameFlyweight.encode(current, pingId, transmitClockUs);
    }

    /** Adds a PONG frame; see {@link PongFrameFlyweight}. */
    void pong(long pingId, long pingClockUs, long receiveClockUs, long holdTimeUs) {
        room(PongFrameFlyweight.FRAME_LENGTH);
        PongFrameFlyweight.encode(current, pingId, pingClockUs, receiveClockUs, holdTimeUs);
    }

    /** Adds an ACK frame; see {@link AckFrameFlyweight}. */
    void ack(
            long ackedEpoch,
            long nextExpected,
            long storedBelow,
            long ackDelayUs,
            long[] starts,
            long[] ends,
            int rangeCount) {
        room(AckFrameFlyweight.frameLength(rangeCount));
        AckFrameFlyweight.encode(
                current, FrameType.ACK, ackedEpoch, nextExpected, storedBelow, ackDelayUs, starts, ends, rangeCount);
    }

    /** Adds a SIGNAL_ACK frame: {@link #ack}'s layout, for the signal lane. */
    void signalAck(long ackedEpoch, long nextExpected, long ackDelayUs, long[] starts, long[] ends, int rangeCount) {
        room(AckFrameFlyweight.frameLength(rangeCount));
        AckFrameFlyweight.encode(
                current,
                FrameType.SIGNAL_ACK,
                ackedEpoch,
                nextExpected,
                nextExpected, // signals are not stored: received is as good as stored
                ackDelayUs,
                starts,
                ends,
                rangeCount);
    }

    /**
     * Where the signal lane puts its frames. It never fragments: a signal's text is at most {@link
     * Event#SIGNAL_BYTES_MAX} bytes, so its frame fits the smallest packet every path takes.
     */
    ReliableSender.FrameSink signalSink() {
        return signalSink;
    }

    private void signal(long sequence, Event event) {
        room(EventFrameCodec.frameLength(event));
        codec.encode(current, FrameType.SIGNAL, sequence, event);
    }

    /** Adds a CLOSE frame; see {@link CloseFrameFlyweight}. */
    void close(int code, String reason) {
        room(CloseFrameFlyweight.frameLength(CloseFrameFlyweight.reasonBytes(reason).length));
        CloseFrameFlyweight.encode(current, code, reason);
    }

    /** Adds a MEDIA frame; see {@link MediaFrameFlyweight}. It coalesces with the other frames of the packet. */
    @Override
    public void media(
            int streamId, int sequence, long ageBudgetUs, TrafficClass cls, byte[] payload, int payloadLength) {
        room(MediaFrameFlyweight.frameLength(payloadLength));
        MediaFrameFlyweight.encode(current, streamId, sequence, ageBudgetUs, cls, payload, 0, payloadLength);
    }

    @Override
    public void event(long sequence, Event event) {
        room(EventFrameCodec.frameLength(event));
        codec.encode(current, sequence, event);
    }

    @Override
    public void fragment(long sequence, byte[] body, int offset, int length) {
        room(FragmentFrameFlyweight.frameLength(length));
        FragmentFrameFlyweight.encode(current, sequence, body, offset, length);
    }

    /** Sends the datagram being filled, if any. */
    void finish() {
        if (current != null) {
            ByteBuf packet = current;
            current = null;
            int sent = transmitter.transmit(peer, packet);
            if (sent > 0) {
                datagrams++;
                bytes += sent;
                peer.sentDatagram();
                peer.liveness().sent(nowNs);
            }
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
        if (current != null && current.writerIndex() + frameLength > packetLengthMax) {
            finish();
        }
        if (current == null) {
            current = outbox.allocate();
            PacketHeaderFlyweight.encode(current, epoch);
        }
    }
}
