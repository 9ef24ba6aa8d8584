package io.elara.node.pipeline.audio;

import io.elara.node.pipeline.RuntimeData;

/**
 * Decides, frame by frame, whether audio carries voice: a frame whose RMS level reaches the threshold is voice, and so
 * is what follows it for the hangover time, so that the ends of words are not cut. Keeps state between frames; one
 * instance per stream.
 */
public final class VoiceActivityDetector {
    private final double thresholdDb;
    private final long hangoverNs;
    private long hangoverLeftNs;

    public VoiceActivityDetector(double thresholdDb, long hangoverNs) {
        this.thresholdDb = thresholdDb;
        this.hangoverNs = hangoverNs;
    }

    /** True when {@code frame} should pass as voice. */
    public boolean isVoice(RuntimeData.Audio frame) {
        if (AudioOps.rmsDb(frame) >= thresholdDb) {
            hangoverLeftNs = hangoverNs;
            return true;
        }
        if (hangoverLeftNs > 0) {
            hangoverLeftNs -= frame.durationNs();
            return true;
        }
        return false;
    }
}
