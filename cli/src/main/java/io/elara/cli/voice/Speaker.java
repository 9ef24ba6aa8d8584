package io.elara.cli.voice;

import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * Where received voice plays: the default speaker through javax.sound, or nowhere on a machine without one (the voice
 * is still decoded, so who is speaking still shows). Never blocks: a frame the device has no room for is dropped and
 * counted.
 */
public interface Speaker extends AutoCloseable {
    /** Plays one 20 ms frame (-1 to 1); returns at once. */
    void play(float[] frame);

    /** What plays the sound, for people. */
    String describe();

    /** Frames dropped because the device had no room. */
    long dropped();

    @Override
    void close();

    /** The default speaker, or a silent one when this machine has none (or it cannot be opened): never fails. */
    static Speaker open() {
        DataLine.Info info = new DataLine.Info(SourceDataLine.class, Pcm16.FORMAT);
        SourceDataLine line;
        String why;
        try {
            if (AudioSystem.isLineSupported(info)) {
                line = (SourceDataLine) AudioSystem.getLine(info);
                line.open(Pcm16.FORMAT, Pcm16.FRAME_BYTES * Pcm16.DEVICE_BUFFER_FRAMES);
                line.start();
                return device(line);
            }
            why = "no speaker on this machine";
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            why = "the speaker cannot be opened: " + e.getMessage();
        }
        return none(why);
    }

    /** Plays nothing; {@code why} says why there is no sound. */
    static Speaker none(String why) {
        return new Speaker() {
            @Override
            public void play(float[] frame) {}

            @Override
            public String describe() {
                return "none (" + why + "; decoding only)";
            }

            @Override
            public long dropped() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }

    private static Speaker device(SourceDataLine line) {
        return new Speaker() {
            private final byte[] bytes = new byte[Pcm16.FRAME_BYTES];
            private final AtomicLong dropped = new AtomicLong();

            @Override
            public void play(float[] frame) {
                if (line.available() < bytes.length) {
                    dropped.incrementAndGet();
                    return;
                }
                Pcm16.toBytes(frame, bytes);
                line.write(bytes, 0, bytes.length);
            }

            @Override
            public String describe() {
                return "speaker";
            }

            @Override
            public long dropped() {
                return dropped.get();
            }

            @Override
            public void close() {
                line.stop();
                line.close();
            }
        };
    }
}
