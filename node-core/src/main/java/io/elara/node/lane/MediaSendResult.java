package io.elara.node.lane;

/** What became of a media frame handed to the latency-first lane; every value but {@link #QUEUED} is a refusal. */
public enum MediaSendResult {
    /** Queued; it leaves at the next flush the congestion window allows, unless its age budget runs out first. */
    QUEUED,
    /** No such peer. */
    NO_PEER,
    /** The peer has no secure session; media does not dial (a call is agreed over the reliable lane first). */
    NO_SESSION,
    /** CORE traffic goes on the reliable lane, never as media. */
    CLASS_RELIABLE,
    /** The payload is longer than a MEDIA frame carries. */
    PAYLOAD_TOO_LONG,
    /** The age budget is not positive, or longer than the wire field holds. */
    AGE_BUDGET_INVALID,
    /** The peer already has as many media streams as the lane keeps. */
    STREAM_LIMIT,
    /**
     * The peer's media queue is full of frames of classes dropped after this one (or of this class and newer), so this
     * frame was dropped; counted as a pressure drop.
     */
    DROPPED,
    /**
     * The link's degradation ladder stands where this class of media is not sent: at {@code low-voice}, enhancement
     * and cosmetic frames (pictures); at {@code text-only}, every frame. Text and state still go.
     */
    DEGRADED
}
