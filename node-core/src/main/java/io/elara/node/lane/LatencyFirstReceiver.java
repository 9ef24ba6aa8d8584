package io.elara.node.lane;

import io.elara.node.event.RejectReason;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of one peer's latency-first lane. Per stream, each frame is delivered at most once, as soon as it
 * arrives: a frame newer (RFC 1982 serial arithmetic) than the newest delivered, or one overtaken by at most {@link
 * #REORDER_WINDOW} - 1 newer ones and not delivered yet (a 64-bit window of what was delivered, as SRTP's replay
 * window keeps); a duplicate, or a frame older than the window, is stale. A frame overtaken on the path is still worth
 * having to a receiver that buffers (a voice jitter buffer places it by its index), and one that does not can drop it
 * itself. Nothing is held back to wait for a missing frame: the application conceals gaps. Loop thread only; no
 * allocation.
 *
 * <p>The deadline rule, without synchronised clocks: the frame carries its age budget, the microseconds it is still
 * useful for, measured by the sender when it wrote the packet. The receiver's estimate of the time the frame spent on
 * the path is half the round-trip time it knows for the peer (the caller passes it; 0 when it knows none). A frame
 * whose budget is not more than that estimate arrives too late to be of use and is dropped ({@code media_late}); so is
 * a frame with a budget of 0. This is honest but coarse: it catches paths whose one-way delay exceeds what the sender
 * allowed, not a single frame delayed by a queue beyond the average (that would need the sender's clock and the
 * offset between the clocks, which PING and PONG estimate; a later refinement).
 *
 * <p>Streams are remembered for the life of the peer entry, at most {@link #STREAMS_MAX}; a frame that would open one
 * more is dropped ({@code media_stream_limit}).
 */
public final class LatencyFirstReceiver {
    /** Media streams per peer at most (the same bound as the sender's). */
    public static final int STREAMS_MAX = LatencyFirstSender.STREAMS_MAX;

    private static final int NONE = -1;

    /** Sequences at and behind a stream's newest that it remembers as delivered or not. */
    public static final int REORDER_WINDOW = 64;

    private final int[] streamIds = new int[STREAMS_MAX];
    private final int[] newest = new int[STREAMS_MAX];
    /** Per stream, bit i: sequence {@code newest - i} was delivered. */
    private final long[] window = new long[STREAMS_MAX];

    private int streamCount;
    private long delivered;
    private long stale;
    private long reordered;
    private long late;
    private long overLimit;
    private long expected;
    private long bytes;

    /** Whether sequence number {@code a} is newer than {@code b}, with wrap-around (RFC 1982). */
    public static boolean isNewer(int a, int b) {
        return a - b > 0;
    }

    /**
     * A MEDIA frame of stream {@code streamId} arrived with {@code ageBudgetUs} left; {@code transitNs} is the
     * estimated one-way transit. Returns {@link RejectReason#NONE} when the frame is to be delivered (and is then the
     * stream's newest), or {@link RejectReason#MEDIA_STALE}, {@link RejectReason#MEDIA_LATE} or {@link
     * RejectReason#MEDIA_STREAM_LIMIT}; the caller counts the reason.
     */
    public RejectReason onFrame(int streamId, int sequence, long ageBudgetUs, long transitNs) {
        int stream = NONE;
        for (int i = 0; i < streamCount; i++) {
            if (streamIds[i] == streamId) {
                stream = i;
                break;
            }
        }
        if (stream == NONE && streamCount == STREAMS_MAX) {
            overLimit++;
            return RejectReason.MEDIA_STREAM_LIMIT;
        }
        boolean behind = stream != NONE && !isNewer(sequence, newest[stream]);
        if (behind) {
            int distance = newest[stream] - sequence;
            if (distance >= REORDER_WINDOW || (window[stream] & (1L << distance)) != 0) {
                stale++;
                return RejectReason.MEDIA_STALE;
            }
        }
        if (TimeUnit.MICROSECONDS.toNanos(ageBudgetUs) <= Math.max(0, transitNs)) {
            late++;
            return RejectReason.MEDIA_LATE;
        }
        if (stream == NONE) {
            expected++;
            stream = streamCount++;
            streamIds[stream] = streamId;
            newest[stream] = sequence;
            window[stream] = 1;
        } else if (behind) {
            window[stream] |= 1L << (newest[stream] - sequence);
            reordered++;
        } else {
            int shift = sequence - newest[stream];
            expected += shift;
            window[stream] = shift >= REORDER_WINDOW ? 1 : (window[stream] << shift) | 1;
            newest[stream] = sequence;
        }
        delivered++;
        return RejectReason.NONE;
    }

    /**
     * Forgets every stream: the peer restarted (a new lane incarnation) and numbers its streams from 0 again, which
     * would otherwise read as stale. The counters stay.
     */
    public void reset() {
        streamCount = 0;
    }

    /**
     * Frames the streams' sequence numbers say were sent: one for a stream's first frame, then the advance of its
     * newest sequence. With {@link #delivered}, the loss a receiver report tells the sender.
     */
    public long expected() {
        return expected;
    }

    /** Counts the payload bytes of a delivered frame. */
    public void addBytes(int length) {
        bytes += length;
    }

    /** Payload bytes of the frames delivered. */
    public long bytes() {
        return bytes;
    }

    public long delivered() {
        return delivered;
    }

    /** Frames delivered after a newer one of their stream: overtaken on the path, within the window. */
    public long reordered() {
        return reordered;
    }

    /** Frames delivered before, or older than the window: duplicated, or overtaken by too many. */
    public long stale() {
        return stale;
    }

    /** Frames whose age budget did not cover the estimated transit. */
    public long late() {
        return late;
    }

    /** Frames dropped because they would have opened a stream beyond {@link #STREAMS_MAX}. */
    public long overLimit() {
        return overLimit;
    }

    public int streams() {
        return streamCount;
    }
}
