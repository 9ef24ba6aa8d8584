package io.elara.node.lane;

import io.elara.node.wire.MediaFrameFlyweight;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of one peer's latency-first lane: media frames (voice, visual deltas) that are sent once, in the
 * order they were queued, and never again. Loop thread only; time is an argument; no allocation per frame once the
 * queue has grown to its working depth (payload slots are kept and reused).
 *
 * <p>What a queued frame can become: sent; dropped because its age budget ran out before the congestion window let it
 * leave ({@link Drop#DEADLINE}); dropped because its stream queued more than {@link #STREAM_QUEUE_FRAMES_MAX} newer
 * frames behind it ({@link Drop#SUPERSEDED}: the newest wins, but a few frames of slack keep every 20 ms voice frame of
 * a short burst); or dropped to make room under byte pressure ({@link Drop#PRESSURE}). Under pressure the lane drops by
 * {@link TrafficClass#dropOrder()} — cosmetic first, then enhancement, repair, perceptual last — oldest first within a
 * class, and never a class that ranks above the frame being queued: a cosmetic frame cannot push out a voice frame, it
 * is dropped itself.
 *
 * <p>Sharing the congestion window with the reliable lane. Media frames are never acknowledged, so they cannot take
 * part in the window's loss and growth logic; but they load the same path, and a window that ignored them would let
 * text and voice together overrun it. So a media frame leaves only while the peer's {@link CongestionWindow} has room
 * for it on top of everything in flight (reliable and media, {@link CongestionWindow#canSendMedia}), and its bytes then
 * count as in flight for one smoothed round-trip time of the reliable lane ({@link #HOLD_NS_DEFAULT} before there is a
 * sample) — the time at which an acknowledgement would have freed them had there been one. They leave the window by the
 * clock, without growing or shrinking it. The effect is a rate of at most one window per round trip for both lanes
 * together. The reliable lane keeps precedence: the core draws its frames first at every flush, and may always send
 * one frame when none of its own is in flight, so media can slow text down but never stop it.
 */
public final class LatencyFirstSender {
    /** Frame bytes (header and body) queued per peer at most. */
    public static final int QUEUE_BYTES_MAX = 32 * 1024;

    /** Frames queued per peer at most. */
    public static final int QUEUE_FRAMES_MAX = 64;

    /** Frames one stream may have queued; a newer one then supersedes the oldest (160 ms of 20 ms voice frames). */
    public static final int STREAM_QUEUE_FRAMES_MAX = 8;

    /** Media streams per peer at most, for the life of the peer entry. */
    public static final int STREAMS_MAX = 16;

    /** How long sent media bytes count in the congestion window before the reliable lane has an RTT sample. */
    public static final long HOLD_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /** Entries of sent media still counted in the window; beyond, the newest entry absorbs more. */
    static final int IN_FLIGHT_ENTRIES_MAX = 64;

    /** Why a queued frame was dropped before it was sent. */
    public enum Drop {
        /** Its age budget ran out while it waited (the congestion window was full). */
        DEADLINE,
        /** Its stream had {@link #STREAM_QUEUE_FRAMES_MAX} newer frames queued. */
        SUPERSEDED,
        /** The peer's queue was over its bound and this frame's class is dropped before the newcomer's. */
        PRESSURE
    }

    /** Where sent frames go: the packet being filled for this peer. */
    public interface MediaSink {
        /** Adds one MEDIA frame; {@code payload} is the lane's and valid only during the call. */
        void media(int streamId, int sequence, long ageBudgetUs, TrafficClass cls, byte[] payload, int payloadLength);
    }

    private static final int NONE = -1;

    // The queue: slots in a doubly linked list in the order they were queued, the free ones in a singly linked list.
    private final int[] slotStream = new int[QUEUE_FRAMES_MAX];
    private final int[] slotSequence = new int[QUEUE_FRAMES_MAX];
    private final TrafficClass[] slotClass = new TrafficClass[QUEUE_FRAMES_MAX];
    private final long[] slotDeadlineNs = new long[QUEUE_FRAMES_MAX];
    private final int[] slotLength = new int[QUEUE_FRAMES_MAX];
    /** Payload buffers, allocated the first time a slot is used and reused after. */
    private final byte[][] slotPayload = new byte[QUEUE_FRAMES_MAX][];

    private final int[] previous = new int[QUEUE_FRAMES_MAX];
    private final int[] next = new int[QUEUE_FRAMES_MAX];
    private int head = NONE;
    private int tail = NONE;
    private int free;
    private int queuedFrames;
    private int queuedBytes;

    private final int[] streamIds = new int[STREAMS_MAX];
    private final int[] streamNextSequence = new int[STREAMS_MAX];
    private final int[] streamQueued = new int[STREAMS_MAX];
    private int streamCount;

    // Sent media still counted in the window: a ring of (release time, bytes), release times never decreasing.
    private final long[] inFlightReleaseNs = new long[IN_FLIGHT_ENTRIES_MAX];
    private final int[] inFlightBytes = new int[IN_FLIGHT_ENTRIES_MAX];
    private int inFlightHead;
    private int inFlightCount;

    private long droppedDeadline;
    private long droppedSuperseded;
    private long droppedPressure;
    private long framesSent;
    private long bytesSent;

    public LatencyFirstSender() {
        for (int i = 0; i < QUEUE_FRAMES_MAX; i++) {
            next[i] = i + 1 < QUEUE_FRAMES_MAX ? i + 1 : NONE;
        }
        free = 0;
    }

    /**
     * Queues the readable bytes of {@code payload} (copied; the caller keeps the buffer) as the next frame of stream
     * {@code streamId}, useful for {@code ageBudgetNs} from now. Returns {@link MediaSendResult#QUEUED} or why not.
     */
    public MediaSendResult enqueue(int streamId, TrafficClass cls, ByteBuf payload, long ageBudgetNs, long nowNs) {
        int length = payload.readableBytes();
        if (!cls.droppable()) {
            return MediaSendResult.CLASS_RELIABLE;
        }
        if (length > MediaFrameFlyweight.PAYLOAD_LENGTH_MAX) {
            return MediaSendResult.PAYLOAD_TOO_LONG;
        }
        if (ageBudgetNs <= 0 || ageBudgetNs > TimeUnit.MICROSECONDS.toNanos(MediaFrameFlyweight.AGE_BUDGET_US_MAX)) {
            return MediaSendResult.AGE_BUDGET_INVALID;
        }
        dropExpired(nowNs);
        int stream = stream(streamId);
        if (stream == NONE) {
            if (streamCount == STREAMS_MAX) {
                return MediaSendResult.STREAM_LIMIT;
            }
            stream = streamCount++;
            streamIds[stream] = streamId;
        }
        if (streamQueued[stream] >= STREAM_QUEUE_FRAMES_MAX) {
            drop(oldestOf(streamId), Drop.SUPERSEDED);
        }
        int frameBytes = MediaFrameFlyweight.frameLength(length);
        if (!makeRoom(frameBytes, cls)) {
            droppedPressure++;
            return MediaSendResult.DROPPED;
        }
        int slot = free;
        free = next[slot];
        if (slotPayload[slot] == null) {
            slotPayload[slot] = new byte[MediaFrameFlyweight.PAYLOAD_LENGTH_MAX];
        }
        payload.getBytes(payload.readerIndex(), slotPayload[slot], 0, length);
        slotStream[slot] = streamId;
        slotSequence[slot] = streamNextSequence[stream]++;
        slotClass[slot] = cls;
        slotDeadlineNs[slot] = nowNs + ageBudgetNs;
        slotLength[slot] = length;
        previous[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
        queuedFrames++;
        queuedBytes += frameBytes;
        streamQueued[stream]++;
        assert queuedFrames <= QUEUE_FRAMES_MAX && queuedBytes <= QUEUE_BYTES_MAX : "queue bounds";
        return MediaSendResult.QUEUED;
    }

    /**
     * Writes to {@code sink}, in the order they were queued, the frames the congestion window lets leave now, and
     * drops those whose age budget ran out. {@code srttNs} is the reliable lane's smoothed RTT (0 before a sample): sent
     * bytes count in {@code window} for that long. Returns the frames sent.
     */
    public int collectDue(long nowNs, MediaSink sink, CongestionWindow window, long srttNs) {
        release(nowNs, window);
        int sent = 0;
        long holdNs = srttNs > 0 ? srttNs : HOLD_NS_DEFAULT;
        while (head != NONE) {
            int slot = head;
            if (slotDeadlineNs[slot] <= nowNs) {
                drop(slot, Drop.DEADLINE);
                continue;
            }
            int frameBytes = MediaFrameFlyweight.frameLength(slotLength[slot]);
            if (!window.canSendMedia(frameBytes)) {
                break; // the window opens by an acknowledgement or by the release of earlier media; both flush
            }
            long budgetUs = TimeUnit.NANOSECONDS.toMicros(slotDeadlineNs[slot] - nowNs);
            sink.media(
                    slotStream[slot],
                    slotSequence[slot],
                    budgetUs,
                    slotClass[slot],
                    slotPayload[slot],
                    slotLength[slot]);
            window.onMediaSent(frameBytes);
            hold(nowNs + holdNs, frameBytes);
            framesSent++;
            bytesSent += frameBytes;
            sent++;
            unlink(slot);
        }
        return sent;
    }

    /**
     * When this lane next has work: now if the first queued frame may leave, else when sent media next leaves the
     * window, which may let a waiting frame of either lane go ({@link Long#MAX_VALUE} if nothing is queued or held:
     * only an acknowledgement can then make room, and one makes the core flush).
     */
    public long nextDueNs(long nowNs, CongestionWindow window) {
        if (head != NONE && window.canSendMedia(MediaFrameFlyweight.frameLength(slotLength[head]))) {
            return nowNs;
        }
        return inFlightCount == 0 ? Long.MAX_VALUE : inFlightReleaseNs[inFlightHead];
    }

    public int queuedFrames() {
        return queuedFrames;
    }

    /** Frame bytes queued, headers included. */
    public int queuedBytes() {
        return queuedBytes;
    }

    /** Frames dropped for {@code reason}. */
    public long drops(Drop reason) {
        return switch (reason) {
            case DEADLINE -> droppedDeadline;
            case SUPERSEDED -> droppedSuperseded;
            case PRESSURE -> droppedPressure;
        };
    }

    public long framesSent() {
        return framesSent;
    }

    /** Frame bytes sent, headers included. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Frames queued on stream {@code streamId}. */
    public int queuedFrames(int streamId) {
        int stream = stream(streamId);
        return stream == NONE ? 0 : streamQueued[stream];
    }

    private int stream(int streamId) {
        for (int i = 0; i < streamCount; i++) {
            if (streamIds[i] == streamId) {
                return i;
            }
        }
        return NONE;
    }

    private int oldestOf(int streamId) {
        for (int slot = head; slot != NONE; slot = next[slot]) {
            if (slotStream[slot] == streamId) {
                return slot;
            }
        }
        throw new IllegalStateException("stream " + streamId + " counts queued frames but has none");
    }

    private void dropExpired(long nowNs) {
        int slot = head;
        while (slot != NONE) {
            int following = next[slot];
            if (slotDeadlineNs[slot] <= nowNs) {
                drop(slot, Drop.DEADLINE);
            }
            slot = following;
        }
    }

    /**
     * Frees room for a frame of {@code frameBytes} and class {@code cls} by dropping frames of classes dropped no later
     * than {@code cls}, lowest drop order first, oldest first within it. Drops nothing and returns false if even that
     * would not make enough room.
     */
    private boolean makeRoom(int frameBytes, TrafficClass cls) {
        if (fits(frameBytes, 0, 0)) {
            return true;
        }
        int evictableFrames = 0;
        int evictableBytes = 0;
        for (int slot = head; slot != NONE; slot = next[slot]) {
            if (slotClass[slot].dropOrder() <= cls.dropOrder()) {
                evictableFrames++;
                evictableBytes += MediaFrameFlyweight.frameLength(slotLength[slot]);
            }
        }
        if (!fits(frameBytes, evictableFrames, evictableBytes)) {
            return false;
        }
        while (!fits(frameBytes, 0, 0)) {
            int victim = NONE;
            for (int slot = head; slot != NONE; slot = next[slot]) {
                if (victim == NONE || slotClass[slot].dropOrder() < slotClass[victim].dropOrder()) {
                    victim = slot;
                }
            }
            assert victim != NONE && slotClass[victim].dropOrder() <= cls.dropOrder() : "room was counted";
            drop(victim, Drop.PRESSURE);
        }
        return true;
    }

    private boolean fits(int frameBytes, int freedFrames, int freedBytes) {
        return queuedFrames - freedFrames < QUEUE_FRAMES_MAX
                && queuedBytes - freedBytes + frameBytes <= QUEUE_BYTES_MAX;
    }

    private void drop(int slot, Drop reason) {
        switch (reason) {
            case DEADLINE -> droppedDeadline++;
            case SUPERSEDED -> droppedSuperseded++;
            case PRESSURE -> droppedPressure++;
        }
        unlink(slot);
    }

    /** Takes {@code slot} out of the queue (sent or dropped) and frees it. */
    private void unlink(int slot) {
        if (previous[slot] == NONE) {
            head = next[slot];
        } else {
            next[previous[slot]] = next[slot];
        }
        if (next[slot] == NONE) {
            tail = previous[slot];
        } else {
            previous[next[slot]] = previous[slot];
        }
        queuedFrames--;
        queuedBytes -= MediaFrameFlyweight.frameLength(slotLength[slot]);
        streamQueued[stream(slotStream[slot])]--;
        slotClass[slot] = null;
        next[slot] = free;
        free = slot;
    }

    /** Counts {@code bytes} in flight until {@code releaseNs}. */
    private void hold(long releaseNs, int bytes) {
        if (inFlightCount > 0) {
            int last = (inFlightHead + inFlightCount - 1) % IN_FLIGHT_ENTRIES_MAX;
            // Release times never go backwards, so the ring's head is always the next to leave (the RTT may shrink).
            long at = Math.max(releaseNs, inFlightReleaseNs[last]);
            if (at == inFlightReleaseNs[last] || inFlightCount == IN_FLIGHT_ENTRIES_MAX) {
                inFlightReleaseNs[last] = at;
                inFlightBytes[last] += bytes;
                return;
            }
            releaseNs = at;
        }
        int entry = (inFlightHead + inFlightCount) % IN_FLIGHT_ENTRIES_MAX;
        inFlightReleaseNs[entry] = releaseNs;
        inFlightBytes[entry] = bytes;
        inFlightCount++;
    }

    /**
     * Lets sent media whose hold time is over leave {@code window}. {@link #collectDue} does it too; the core calls it
     * before the reliable lane draws its frames, so that they see the window as it is.
     */
    public void release(long nowNs, CongestionWindow window) {
        while (inFlightCount > 0 && inFlightReleaseNs[inFlightHead] <= nowNs) {
            window.onMediaReleased(inFlightBytes[inFlightHead]);
            inFlightHead = (inFlightHead + 1) % IN_FLIGHT_ENTRIES_MAX;
            inFlightCount--;
        }
    }
}
