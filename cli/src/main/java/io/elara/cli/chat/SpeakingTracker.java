package io.elara.cli.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Who is speaking, from the loudness of the voice frames each one's decoder put out: a speaker speaks while one of its
 * frames in the last {@link #WINDOW_NS} was louder than {@link #RMS_MIN}. For a chat without a status line it also says
 * when someone starts, and when someone stopped: only after {@link #STOPPED_AFTER_NS} without a loud frame, so that
 * the pauses between words do not read as stops. Pure: time is an argument. Used by one thread.
 */
final class SpeakingTracker {
    /** A speaker speaks while one of its frames in this window was loud. */
    static final long WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(300);

    /** A speaker stopped once it had no loud frame for this long. */
    static final long STOPPED_AFTER_NS = TimeUnit.SECONDS.toNanos(1);

    /** A frame quieter than this (RMS, full scale 1) is silence: about -40 dBFS, below speech, above codec noise. */
    static final double RMS_MIN = 0.01;

    /** Speakers followed at most; a voice from one more is not tracked until another falls silent. */
    static final int SPEAKERS_MAX = 64;

    /** A speaker started or stopped speaking. */
    record Change(String name, boolean started) {}

    /** When each speaker's last loud frame played. */
    private final Map<String, Long> lastLoudNs = new HashMap<>();

    /** Speakers announced as speaking and not yet as stopped. */
    private final SortedSet<String> announced = new TreeSet<>();

    /** {@code name}'s decoder put out a frame with loudness {@code rms} at {@code nowNs}. */
    void frame(String name, double rms, long nowNs) {
        if (rms > RMS_MIN && (lastLoudNs.containsKey(name) || lastLoudNs.size() < SPEAKERS_MAX)) {
            lastLoudNs.put(name, nowNs);
        }
    }

    /** Who speaks at {@code nowNs}, by name. */
    SortedSet<String> speaking(long nowNs) {
        SortedSet<String> names = new TreeSet<>();
        lastLoudNs.forEach((name, loudNs) -> {
            if (nowNs - loudNs < WINDOW_NS) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * What changed since the last call: who started speaking (at once), who stopped (once silent for {@link
     * #STOPPED_AFTER_NS}), in name order. Forgets the speakers that stopped.
     */
    List<Change> changes(long nowNs) {
        List<Change> changes = new ArrayList<>();
        for (String name : speaking(nowNs)) {
            if (announced.add(name)) {
                changes.add(new Change(name, true));
            }
        }
        lastLoudNs.entrySet().removeIf(entry -> {
            if (nowNs - entry.getValue() < STOPPED_AFTER_NS) {
                return false;
            }
            if (announced.remove(entry.getKey())) {
                changes.add(new Change(entry.getKey(), false));
            }
            return true;
        });
        changes.sort((a, b) -> a.name().compareTo(b.name()));
        return changes;
    }

    /** The loudness of {@code frame}: the root of its mean square, 0 to 1. */
    static double rms(float[] frame) {
        double sum = 0;
        for (float sample : frame) {
            sum += sample * sample;
        }
        return frame.length == 0 ? 0 : Math.sqrt(sum / frame.length);
    }
}
