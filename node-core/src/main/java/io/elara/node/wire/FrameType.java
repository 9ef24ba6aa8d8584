package io.elara.node.wire;

/**
 * Frame header and type codes. Every frame is {@code Type (8) | Length (16) | Body (Length bytes)}. A type with the
 * {@link #OPTIONAL} bit set may be skipped by a receiver that does not know it; an unknown type without that bit makes
 * the whole packet invalid.
 */
public final class FrameType {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = 1;
    public static final int HEADER_LENGTH = 3;

    /** Set on frame types a receiver may ignore. */
    public static final int OPTIONAL = 0x80;

    /** An application event on the reliable lane. */
    public static final int EVENT = 0x01;
    /** Acknowledges reliable-lane sequence numbers. */
    public static final int ACK = 0x02;
    /** Asks for a PONG; carries the sender's clock (keepalive, round-trip time, clock offset). */
    public static final int PING = 0x03;
    /** Answers a PING with both sides' clocks. */
    public static final int PONG = 0x04;
    /** A voice or visual payload on the latency-first lane; never acknowledged, never resent. */
    public static final int MEDIA = 0x05;
    /** The sender closes its secure session with the receiver. */
    public static final int CLOSE = 0x06;
    /** A piece of an EVENT body too long for one packet, on the reliable lane. */
    public static final int FRAGMENT = 0x07;
    /** Filler bytes, ignored by every receiver (optional): grows a path MTU probe to the size it tests. */
    public static final int PADDING = OPTIONAL | 0x08;
    /**
     * An event on the signal lane: the EVENT layout, in a sequence space of its own that is sent ahead of the reliable
     * lane's queue (small control messages: keyframe requests, invites).
     */
    public static final int SIGNAL = 0x09;
    /** Acknowledges signal-lane sequence numbers: the ACK layout. */
    public static final int SIGNAL_ACK = 0x0A;

    private FrameType() {}
}
