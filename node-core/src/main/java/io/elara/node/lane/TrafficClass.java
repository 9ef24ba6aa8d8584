package io.elara.node.lane;

/**
 * How the network may treat a piece of traffic (ARCHITECTURE.md, "Sessions and streams": every event carries a class).
 * The class decides the lane and, on the latency-first lane, the order in which frames are dropped when a peer's queue
 * is over its bound.
 *
 * <table>
 *   <caption>Class, wire code, lane and drop order</caption>
 *   <tr><th>class</th><th>code</th><th>lane</th><th>dropped under pressure</th></tr>
 *   <tr><td>CORE</td><td>0</td><td>reliable</td><td>never</td></tr>
 *   <tr><td>PERCEPTUAL</td><td>1</td><td>latency-first</td><td>last</td></tr>
 *   <tr><td>REPAIR</td><td>2</td><td>latency-first</td><td>third</td></tr>
 *   <tr><td>ENHANCEMENT</td><td>3</td><td>latency-first</td><td>second</td></tr>
 *   <tr><td>COSMETIC</td><td>4</td><td>latency-first</td><td>first</td></tr>
 * </table>
 *
 * <p>Why this map: core traffic (text, state, membership) is never dropped and is repeated until acknowledged, which
 * only the reliable lane does. Perceptual traffic (a voice frame, a video frame's base layer) is worth more fresh than
 * complete: a receiver predicts or conceals a missing frame rather than wait a round trip for it, so it is never
 * resent, but it is the last thing dropped, since a gap in it is what a user hears or sees. Repair (forward error
 * correction) only helps while the frames it protects are useful, and it is redundant by design, so it goes before
 * perceptual frames. Enhancement (a higher-quality layer on top of a base layer) improves what is already there. Cosmetic
 * traffic (typing indicators, cursor positions, reactions' animations) is droppable first under pressure.
 *
 * <p>The wire codes are part of the protocol (the Class field of the MEDIA frame) and never change; a new class takes a
 * new code.
 */
public enum TrafficClass {
    CORE(0, Lane.RELIABLE, Integer.MAX_VALUE),
    PERCEPTUAL(1, Lane.LATENCY_FIRST, 3),
    REPAIR(2, Lane.LATENCY_FIRST, 2),
    ENHANCEMENT(3, Lane.LATENCY_FIRST, 1),
    COSMETIC(4, Lane.LATENCY_FIRST, 0);

    /** By wire code. */
    private static final TrafficClass[] BY_CODE = values();

    private final int code;
    private final Lane lane;
    private final int dropOrder;

    TrafficClass(int code, Lane lane, int dropOrder) {
        this.code = code;
        this.lane = lane;
        this.dropOrder = dropOrder;
    }

    /** The class with wire code {@code code}, or null for a code no class has. */
    public static TrafficClass ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The byte in the MEDIA frame's Class field. */
    public int code() {
        return code;
    }

    public Lane lane() {
        return lane;
    }

    /**
     * When this class is dropped under pressure relative to the others: lower goes first (COSMETIC is 0); {@link
     * Integer#MAX_VALUE} for CORE, which is never dropped.
     */
    public int dropOrder() {
        return dropOrder;
    }

    /** Whether the latency-first lane may drop it: every class but CORE. */
    public boolean droppable() {
        return dropOrder != Integer.MAX_VALUE;
    }
}
