package io.elara.cli.chat;

import io.elara.node.media.Picture;
import io.elara.node.media.VisualDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiving side of {@code /share}: the pictures members share, whole or not at all. A share is one keyframe on the
 * share stream, sent over the latency-first lane, where a part may be lost: each member's parts go through its own
 * {@link VisualDecoder}, and a picture is shown once, when all its parts are in. A picture still missing parts {@link
 * #ASK_AFTER_NS} after its last part arrived is asked for again (the sharer sends it once more, to the asker alone), up
 * to {@link #ASKS_MAX} times; then the chat says it did not arrive whole. Sans-I/O: the caller brings the payloads and
 * the time, and does what {@link #offer} and {@link #tick} return. Used by one thread.
 */
final class SharedPictures {
    /** How long a picture may miss parts after its last part before it is asked for again. */
    static final long ASK_AFTER_NS = 500_000_000L;
    /** Requests per picture at most; then it did not arrive. */
    static final int ASKS_MAX = 3;
    /** Members whose shares are followed at once at most; a decoder holds up to a picture of 2,048² pixels. */
    static final int SHARERS_MAX = 16;

    /** What the chat does next. */
    sealed interface Action permits Show, Ask, GaveUp {}

    /** Show {@code picture}, which {@code peer} shared. */
    record Show(String peer, Picture picture) implements Action {}

    /** Ask {@code peer} to send its picture again. */
    record Ask(String peer) implements Action {}

    /** Say that {@code peer}'s picture did not arrive whole. */
    record GaveUp(String peer) implements Action {}

    private static final class Sharer {
        final VisualDecoder decoder = new VisualDecoder();
        long shownFrame = -1;
        boolean pending;
        long lastPartNs;
        int asks;
    }

    private final Map<String, Sharer> sharers = new LinkedHashMap<>();
    private long rejected;

    /**
     * A payload of the share stream from {@code peer} arrived at {@code nowNs}: the picture to show when it completed
     * one, else nothing. A malformed payload is counted ({@link #rejected}) and changes nothing.
     */
    List<Action> offer(String peer, byte[] payload, long nowNs) {
        Sharer sharer = sharers.get(peer);
        if (sharer == null) {
            if (sharers.size() >= SHARERS_MAX) {
                sharers.remove(sharers.keySet().iterator().next()); // the one heard from longest ago goes
            }
            sharer = new Sharer();
            sharers.put(peer, sharer);
        }
        VisualDecoder.Outcome outcome = sharer.decoder.offer(payload, 0, payload.length);
        if (outcome == VisualDecoder.Outcome.REJECTED) {
            rejected++;
            return List.of();
        }
        sharer.lastPartNs = nowNs;
        long complete = sharer.decoder.lastCompleteFrame();
        if (complete >= 0 && complete != sharer.shownFrame && sharer.decoder.settled()) {
            sharer.shownFrame = complete;
            sharer.pending = false;
            sharer.asks = 0;
            return List.of(new Show(peer, sharer.decoder.picture()));
        }
        // Parts of a picture not shown yet: wait for the rest. Copies of a shown picture's parts are duplicates or
        // late, and leave nothing pending.
        if (!sharer.pending && outcome != VisualDecoder.Outcome.DUPLICATE && outcome != VisualDecoder.Outcome.LATE) {
            sharer.pending = true;
            sharer.asks = 0;
        }
        return List.of();
    }

    /** What is due at {@code nowNs}: requests for pictures missing parts, and pictures given up. */
    List<Action> tick(long nowNs) {
        List<Action> actions = new ArrayList<>();
        for (Map.Entry<String, Sharer> entry : sharers.entrySet()) {
            Sharer sharer = entry.getValue();
            if (!sharer.pending || nowNs - sharer.lastPartNs < ASK_AFTER_NS) {
                continue;
            }
            if (sharer.asks >= ASKS_MAX) {
                sharer.pending = false;
                sharer.asks = 0;
                actions.add(new GaveUp(entry.getKey()));
            } else {
                sharer.asks++;
                sharer.lastPartNs = nowNs; // the next request waits as long again
                actions.add(new Ask(entry.getKey()));
            }
        }
        return actions;
    }

    /** Malformed payloads dropped. */
    long rejected() {
        return rejected;
    }
}
