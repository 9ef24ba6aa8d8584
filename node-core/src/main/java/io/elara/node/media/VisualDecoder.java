package io.elara.node.media;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One visual stream's receiver: draws {@link VisualPacket} payloads, which arrive once, in any order, some never, onto
 * a canvas, and says when the picture is damaged so that the caller can ask the sender for a keyframe.
 *
 * <p><b>Drawing.</b> Each tile of the canvas remembers the frame whose content it shows; a tile from an older frame
 * never overwrites one from a newer frame (frame indexes compare as serial numbers, {@code (int) (a - b) > 0}), so late
 * packets cannot roll the picture back. Nothing is shown ({@link #hasPicture()} is false) until a keyframe has arrived
 * whole; deltas that come before any keyframe has started are dropped and counted as {@link #waiting()}. A keyframe of
 * another size is drawn on a second canvas that replaces the shown one only once that keyframe is whole, so the shown
 * picture never changes size half-drawn.
 *
 * <p><b>Loss.</b> A frame is complete when all its parts arrived. To allow for reordering, a frame is judged lost only
 * once a frame {@link #REORDER_FRAMES} or more indexes newer has arrived while it is incomplete (a frame never seen at
 * all included); there is no timer. A lost frame sets {@link #needsKeyframe()}, which stays set until a keyframe newer
 * than the lost frame is complete; a frame lost before the newest complete keyframe sets nothing, as that keyframe
 * redrew every tile. {@link #lastCompleteFrame()} is the newest frame up to which the canvas is known to
 * be right: a complete keyframe followed by complete frames only.
 *
 * <p><b>Bad input.</b> {@link #offer} never throws. A malformed payload, a tile whose bytes do not inflate to exactly
 * the tile's size (a deflate bomb is cut off at that size), or a packet that disagrees with the rest of its frame, is
 * dropped whole, the canvas untouched, and counted by {@link VisualReject} label in {@link #rejected()}.
 *
 * <p>Not thread-safe; one owner. Sans-I/O: the only time is the caller's, in {@link #keyframeRequestDue}.
 */
@SuppressWarnings("EnumOrdinal") // reject counters index a long[] by ordinal: a drop costs no allocation
public final class VisualDecoder {
    /** A frame is lost when a frame this many indexes newer arrives while it is incomplete. */
    public static final int REORDER_FRAMES = 2;
    /** Recent frames whose parts are tracked; packets of older frames are dropped as late. */
    public static final int FRAMES_TRACKED = 64;
    /** Keyframe requests go out at most once per this interval. */
    public static final long KEYFRAME_REQUEST_INTERVAL_NS = 200_000_000L;

    /** What {@link #offer} did with a payload. */
    public enum Outcome {
        /** Drawn; its frame still misses parts. */
        APPLIED,
        /** Drawn, and its frame now has all its parts. */
        FRAME_COMPLETE,
        /** Dropped: no keyframe for its size has started, so there is nothing to draw it on. */
        WAITING,
        /** From a frame already judged complete or lost: drawn where still newest, or dropped when too old. */
        LATE,
        /** A part that already arrived; dropped. */
        DUPLICATE,
        /** Malformed; dropped and counted in {@link #rejected()}. */
        REJECTED
    }

    private enum FrameState {
        OPEN,
        COMPLETE,
        LOST
    }

    /** A picture being drawn: its pixels and, per tile, the frame shown there. */
    private static final class Canvas {
        final int width;
        final int height;
        final int[] pixels;
        final int[] tileFrame;
        final boolean[] tileSet;
        /** The keyframe that opened this canvas. */
        final int since;
        /** The newest keyframe that started drawing on this canvas. */
        int keyframe;

        Canvas(int width, int height, int keyframe) {
            this.width = width;
            this.height = height;
            this.pixels = new int[width * height];
            int tiles = VisualPacket.tilesAcross(width) * VisualPacket.tilesDown(height);
            this.tileFrame = new int[tiles];
            this.tileSet = new boolean[tiles];
            this.since = keyframe;
            this.keyframe = keyframe;
        }

        boolean fits(VisualPacket packet) {
            return packet.width() == width && packet.height() == height;
        }
    }

    /** The parts of one recent frame. */
    private static final class Frame {
        boolean used;
        int index;
        int parts;
        boolean keyframe;
        int width;
        int height;
        final long[] received = new long[VisualPacket.PARTS_MAX / Long.SIZE];
        int receivedCount;
        FrameState state = FrameState.OPEN;

        void open(int index, VisualPacket packet) {
            used = true;
            this.index = index;
            parts = packet.parts();
            keyframe = packet.keyframe();
            width = packet.width();
            height = packet.height();
            Arrays.fill(received, 0);
            receivedCount = 0;
            state = FrameState.OPEN;
        }

        boolean agrees(VisualPacket packet) {
            return parts == packet.parts()
                    && keyframe == packet.keyframe()
                    && width == packet.width()
                    && height == packet.height();
        }

        boolean has(int part) {
            return (received[part >>> 6] & (1L << part)) != 0;
        }

        void mark(int part) {
            received[part >>> 6] |= 1L << part;
            receivedCount++;
        }
    }

    private final Inflater inflater = new Inflater(true);
    private final byte[] spare = new byte[1];
    private byte[] inflated = new byte[VisualPacket.TILE_BYTES_MAX * 8];
    private final Frame[] frames = new Frame[FRAMES_TRACKED];

    private Canvas current;
    private Canvas pending;

    private boolean tracking;
    private int newest;
    private int judgedThrough;

    private boolean chainValid;
    private int chain;
    private boolean keyframeShown;
    private int keyframeShownIndex;

    private boolean needsKeyframe;
    private int damageFrame;
    private boolean requested;
    private long lastRequestNs;

    private final long[] rejects = new long[VisualReject.values().length];
    private String lastProblem;
    private long packets;
    private long bytes;
    private long framesComplete;
    private long framesLost;
    private long keyframesComplete;
    private long waiting;
    private long late;
    private long duplicates;

    public VisualDecoder() {
        for (int i = 0; i < FRAMES_TRACKED; i++) {
            frames[i] = new Frame();
        }
    }

    /** Takes one payload, {@code length} bytes of {@code payload} from {@code offset}; never throws. */
    public Outcome offer(byte[] payload, int offset, int length) {
        packets++;
        bytes += length;
        VisualPacket.Parsed parsed = VisualPacket.parse(payload, offset, length);
        if (parsed.packet() == null) {
            return reject(parsed.reason(), parsed.problem());
        }
        VisualPacket packet = parsed.packet();
        String inflateProblem = inflateTiles(packet);
        if (inflateProblem != null) {
            return reject(VisualReject.INFLATE, inflateProblem);
        }
        int index = (int) packet.frameIndex();
        Frame frame = tracked(index);
        if (frame != null) {
            if (!frame.agrees(packet)) {
                return reject(
                        VisualReject.CONFLICT,
                        "frame " + packet.frameIndex() + " part " + packet.part()
                                + " disagrees with its frame's other parts (flags, parts or size)");
            }
            if (frame.has(packet.part())) {
                duplicates++;
                return Outcome.DUPLICATE;
            }
        }
        if (tracking && newer(judgedThrough, index)) {
            // Its frame was judged already; its tiles still help where nothing newer is shown.
            late++;
            Canvas canvas = current != null && current.fits(packet) ? current : pending;
            if (frame != null && canvas != null && canvas.fits(packet)) {
                draw(packet, index, canvas);
                frame.mark(packet.part());
            }
            return Outcome.LATE;
        }
        Canvas target = route(packet, index);
        if (target == null) {
            return unroutable(index);
        }
        if (!tracking) {
            // Only a keyframe opens a canvas, so this is the first keyframe: loss is judged from here on.
            tracking = true;
            newest = index;
            judgedThrough = index;
        } else if (newer(index, newest)) {
            advanceNewest(index);
        }
        if (frame == null) {
            frame = frames[index & (FRAMES_TRACKED - 1)];
            frame.open(index, packet);
        }
        draw(packet, index, target);
        frame.mark(packet.part());
        if (frame.receivedCount < frame.parts || frame.state != FrameState.OPEN) {
            return Outcome.APPLIED;
        }
        complete(frame, target);
        return Outcome.FRAME_COMPLETE;
    }

    private Outcome reject(VisualReject reason, String problem) {
        rejects[reason.ordinal()]++;
        lastProblem = problem;
        return Outcome.REJECTED;
    }

    /** The tracked frame {@code index}, or null when it has no slot (never seen, or too old). */
    private Frame tracked(int index) {
        Frame frame = frames[index & (FRAMES_TRACKED - 1)];
        return frame.used && frame.index == index ? frame : null;
    }

    /** The canvas this packet draws on, opening one for a keyframe of a new size; null when there is none. */
    private Canvas route(VisualPacket packet, int index) {
        if (current != null && current.fits(packet)) {
            if (packet.keyframe()) {
                if (newer(index, current.keyframe)) {
                    current.keyframe = index;
                }
                if (pending != null && newer(index, pending.since)) {
                    // The sender went back to the shown size: the other size's keyframe is history.
                    pending = null;
                }
            }
            return current;
        }
        if (pending != null && pending.fits(packet)) {
            if (packet.keyframe() && newer(index, pending.keyframe)) {
                pending.keyframe = index;
            }
            return pending;
        }
        if (packet.keyframe()
                && (current == null || newer(index, current.keyframe))
                && (pending == null || newer(index, pending.since))) {
            pending = new Canvas(packet.width(), packet.height(), index);
            return pending;
        }
        return null;
    }

    /** A payload with nothing to draw on: a delta before its size's keyframe, or something stale. */
    private Outcome unroutable(int index) {
        if (!tracking) {
            // A receiver that joined mid-stream: the sender must send a keyframe before anything can be shown.
            waiting++;
            damage(index);
            return Outcome.WAITING;
        }
        // Not given a slot, so its frame counts as lost when judged: the canvas misses its tiles.
        if (newer(index, newest)) {
            advanceNewest(index);
        }
        waiting++;
        return Outcome.WAITING;
    }

    /** A frame newer than any before arrived: judge the frames it leaves {@link #REORDER_FRAMES} behind. */
    private void advanceNewest(int index) {
        int before = newest;
        newest = index;
        // The frames up to the old newest may have slots; at most REORDER_FRAMES of them are unjudged.
        while ((newest - judgedThrough) >= REORDER_FRAMES && !newer(judgedThrough, before)) {
            judge(judgedThrough);
            judgedThrough++;
        }
        // Frames after the old newest were never seen: count them in one step, however far the index jumped.
        int unseen = newest - judgedThrough - REORDER_FRAMES + 1;
        if (unseen > 0) {
            lose(unseen, newest - REORDER_FRAMES);
            judgedThrough = newest - REORDER_FRAMES + 1;
        }
    }

    private void judge(int index) {
        Frame frame = tracked(index);
        if (frame == null) {
            lose(1, index);
        } else if (frame.state == FrameState.OPEN) {
            frame.state = FrameState.LOST;
            lose(1, index);
        }
    }

    private void lose(int count, int newestLost) {
        framesLost += count;
        damage(newestLost);
    }

    /** The canvas misses frame {@code index}: a keyframe newer than it is needed. */
    private void damage(int index) {
        if (keyframeShown && !newer(index, keyframeShownIndex)) {
            // A newer keyframe, complete on the shown canvas, redrew every tile this frame could have touched.
            return;
        }
        if (!needsKeyframe || newer(index, damageFrame)) {
            damageFrame = index;
        }
        needsKeyframe = true;
    }

    private void complete(Frame frame, Canvas target) {
        int index = frame.index;
        if (frame.keyframe && !covers(target, index)) {
            // All parts arrived yet some tile is missing: a broken sender; the picture cannot be trusted.
            frame.state = FrameState.LOST;
            lose(1, index);
            return;
        }
        frame.state = FrameState.COMPLETE;
        framesComplete++;
        if (!frame.keyframe) {
            if (target == current) {
                extendChain();
            }
            return;
        }
        keyframesComplete++;
        if (target == pending) {
            pending = null;
            if (current != null && !newer(index, current.keyframe)) {
                // The shown size had a newer keyframe already: this one is history.
                return;
            }
            current = target;
            chainValid = false;
            keyframeShown = false;
        }
        if (!keyframeShown || newer(index, keyframeShownIndex)) {
            keyframeShown = true;
            keyframeShownIndex = index;
        }
        if (!chainValid || newer(index, chain)) {
            chainValid = true;
            chain = index;
        }
        extendChain();
        if (needsKeyframe && newer(index, damageFrame)) {
            needsKeyframe = false;
        }
    }

    /** Whether every tile of the canvas shows keyframe {@code index} or something newer. */
    private static boolean covers(Canvas canvas, int index) {
        for (int tile = 0; tile < canvas.tileSet.length; tile++) {
            if (!canvas.tileSet[tile] || newer(index, canvas.tileFrame[tile])) {
                return false;
            }
        }
        return true;
    }

    /** Moves {@link #chain} over the complete frames that follow it. */
    private void extendChain() {
        while (chainValid) {
            Frame next = tracked(chain + 1);
            if (next == null
                    || next.state != FrameState.COMPLETE
                    || next.width != current.width
                    || next.height != current.height) {
                return;
            }
            chain++;
        }
    }

    /** Inflates every tile of the packet into {@link #inflated}, in order; returns why not, or null. */
    private String inflateTiles(VisualPacket packet) {
        int total = 0;
        for (VisualPacket.Tile tile : packet.tiles()) {
            total += VisualTiles.tileBytes(packet.width(), packet.height(), tile.index());
        }
        if (inflated.length < total) {
            inflated = new byte[total];
        }
        int at = 0;
        for (VisualPacket.Tile tile : packet.tiles()) {
            int size = VisualTiles.tileBytes(packet.width(), packet.height(), tile.index());
            if (!inflate(tile.deflated(), at, size)) {
                return "tile " + tile.index() + " of frame " + packet.frameIndex() + " does not inflate to its " + size
                        + " bytes";
            }
            at += size;
        }
        return null;
    }

    /**
     * Inflates {@code deflated} into {@code inflated[at..at+size)}: true when it gives exactly {@code size} bytes and
     * then ends, with no byte left over. Never writes past {@code size}; one more byte of output fails it.
     */
    private boolean inflate(byte[] deflated, int at, int size) {
        inflater.reset();
        inflater.setInput(deflated);
        try {
            int done = 0;
            while (done < size) {
                int n = inflater.inflate(inflated, at + done, size - done);
                if (n == 0) {
                    // Ended early, ran out of input, or wants a dictionary: too short either way.
                    return false;
                }
                done += n;
            }
            if (!inflater.finished() && (inflater.inflate(spare, 0, 1) != 0 || !inflater.finished())) {
                return false;
            }
            return inflater.getRemaining() == 0;
        } catch (DataFormatException e) {
            // Counted by the caller as an inflate reject.
            return false;
        }
    }

    /** Draws the packet's tiles, inflated already, where the canvas shows nothing newer. */
    private void draw(VisualPacket packet, int index, Canvas canvas) {
        int at = 0;
        for (VisualPacket.Tile tile : packet.tiles()) {
            int t = tile.index();
            int size = VisualTiles.tileBytes(canvas.width, canvas.height, t);
            if (!canvas.tileSet[t] || !newer(canvas.tileFrame[t], index)) {
                VisualTiles.unfilter(inflated, at, canvas.pixels, canvas.width, canvas.height, t);
                canvas.tileSet[t] = true;
                canvas.tileFrame[t] = index;
            }
            at += size;
        }
    }

    /** Whether frame {@code a} is newer than {@code b} in serial-number order. */
    private static boolean newer(int a, int b) {
        return a - b > 0;
    }

    /** Whether a picture is shown: a keyframe has arrived whole. */
    public boolean hasPicture() {
        return current != null;
    }

    /**
     * A copy of the shown picture. It may already show tiles of a newer frame that is still arriving.
     *
     * @throws IllegalStateException before {@link #hasPicture()}
     */
    public Picture picture() {
        if (current == null) {
            throw new IllegalStateException("no keyframe has arrived whole yet");
        }
        return Picture.wrap(current.width, current.height, current.pixels.clone());
    }

    /**
     * The newest frame up to which the shown picture is right (unsigned 32 bits), or -1 if none: a complete keyframe
     * and complete frames after it. When it moves, a recorder writes {@link #picture()}.
     */
    public long lastCompleteFrame() {
        return chainValid && current != null ? chain & 0xFFFF_FFFFL : -1;
    }

    /**
     * Whether the shown picture is exactly frame {@link #lastCompleteFrame()}: no tile shows a newer frame that is still
     * arriving. A recorder writes the picture only then, so that a file never mixes two frames.
     */
    public boolean settled() {
        if (lastCompleteFrame() < 0) {
            return false;
        }
        int last = chain;
        for (int t = 0; t < current.tileFrame.length; t++) {
            if (current.tileSet[t] && newer(current.tileFrame[t], last)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a frame was lost, or arrived before any keyframe, and no newer keyframe has completed since. */
    public boolean needsKeyframe() {
        return needsKeyframe;
    }

    /**
     * Whether to send the sender a keyframe request now: {@link #needsKeyframe()}, and no request in the last {@link
     * #KEYFRAME_REQUEST_INTERVAL_NS}. A true answer counts as the request sent at {@code nowNs}.
     */
    public boolean keyframeRequestDue(long nowNs) {
        if (!needsKeyframe || (requested && nowNs - lastRequestNs < KEYFRAME_REQUEST_INTERVAL_NS)) {
            return false;
        }
        requested = true;
        lastRequestNs = nowNs;
        return true;
    }

    /** Malformed payloads by {@link VisualReject#label()}, those seen at least once, in the enum's order. */
    public Map<String, Long> rejected() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (VisualReject reason : VisualReject.values()) {
            if (rejects[reason.ordinal()] > 0) {
                counts.put(reason.label(), rejects[reason.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /** Malformed payloads in all. */
    public long rejectedTotal() {
        long total = 0;
        for (long count : rejects) {
            total += count;
        }
        return total;
    }

    /** Why the last malformed payload was refused, for a debug log; null if none was. */
    public String lastProblem() {
        return lastProblem;
    }

    /** Payloads offered, malformed ones included. */
    public long packets() {
        return packets;
    }

    /** Payload bytes offered. */
    public long bytes() {
        return bytes;
    }

    /** Frames whose parts all arrived. */
    public long framesComplete() {
        return framesComplete;
    }

    /** Frames judged lost (see the class comment). */
    public long framesLost() {
        return framesLost;
    }

    /** Keyframes whose parts all arrived. */
    public long keyframesComplete() {
        return keyframesComplete;
    }

    /** Payloads dropped for want of a keyframe of their size. */
    public long waiting() {
        return waiting;
    }

    /** Payloads of frames already judged. */
    public long late() {
        return late;
    }

    /** Payloads that arrived twice. */
    public long duplicates() {
        return duplicates;
    }
}
