package io.elara.cli.voice;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.media.VoiceCodec;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;

/**
 * Where a live voice comes from: the microphone, a WAV file played in a loop, or a sine tone. Describing a source
 * touches no device; {@link #open} does.
 */
public interface VoiceSource {
    /** What the source is, for people: {@code microphone}, {@code tone 440 Hz}, {@code hello.wav}. */
    String describe();

    /**
     * Starts the source.
     *
     * @throws IOException with one line for people when it cannot start (no microphone on this machine, one in use)
     */
    Input open() throws IOException;

    /**
     * Whether silence in it may be left out (DTX): true for speech, false for a test tone, which Opus's voice activity
     * detector takes for steady background noise and would leave out after a moment.
     */
    default boolean dtx() {
        return true;
    }

    /** A started source: 20 ms frames, one after the other. Used by one thread. */
    interface Input extends AutoCloseable {
        /** Fills {@code frame} ({@link VoiceCodec#FRAME_SAMPLES} samples, -1 to 1) with the next 20 ms. */
        void read(float[] frame) throws IOException;

        /**
         * Whether {@link #read} waits for a device's clock (a microphone): the caller then keeps no schedule of its own,
         * or the two clocks would drift apart.
         */
        boolean paced();

        @Override
        void close();
    }

    /** The lowest and highest tone. */
    double TONE_HZ_MIN = 20;

    double TONE_HZ_MAX = 20_000;

    /** The line {@code /voice on} shows when the machine has no microphone. */
    String NO_MICROPHONE = "no microphone on this machine; start the chat with --voice-source FILE.wav or tone:HZ";

    /**
     * Reads a {@code --voice-source}: {@code mic}, {@code tone:HZ} or a WAV file (read now, whole: a file that is not
     * a WAV we read is one line and exit 2, before anything starts).
     */
    static VoiceSource parse(String text) {
        if (text.equals("mic")) {
            return microphone();
        }
        if (text.startsWith("tone:")) {
            double hz;
            try {
                hz = Double.parseDouble(text.substring("tone:".length()));
            } catch (NumberFormatException e) {
                hz = Double.NaN;
            }
            if (!(hz >= TONE_HZ_MIN && hz <= TONE_HZ_MAX)) {
                throw new ElaraUserException(
                        ExitCode.USAGE,
                        "--voice-source: '" + text + "' is not a tone (write tone:HZ, HZ from 20 to 20000)");
            }
            return tone(hz);
        }
        Path file;
        try {
            file = Path.of(text);
        } catch (InvalidPathException e) {
            throw new ElaraUserException(ExitCode.USAGE, "--voice-source: '" + text + "' is not a file name", e);
        }
        float[] samples;
        try {
            samples = WavSamples.mono48k(file);
        } catch (ElaraUserException e) {
            throw new ElaraUserException(ExitCode.USAGE, "--voice-source: " + e.getMessage(), e);
        }
        if (samples.length < VoiceCodec.FRAME_SAMPLES) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--voice-source: " + file + " is shorter than one 20 ms frame: nothing to send");
        }
        Path name = file.getFileName();
        return loop(name == null ? text : name.toString(), samples);
    }

    /** A sine of {@code hz} at 0.4 of full scale, as {@code elara voice send --tone} sends. */
    static VoiceSource tone(double hz) {
        String name = "tone " + (hz == Math.rint(hz) ? Long.toString((long) hz) : Double.toString(hz)) + " Hz";
        return new VoiceSource() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public boolean dtx() {
                return false;
            }

            @Override
            public Input open() {
                return new Input() {
                    private final double step = 2 * Math.PI * hz / VoiceCodec.SAMPLE_RATE;
                    private double phase;

                    @Override
                    public void read(float[] frame) {
                        for (int i = 0; i < frame.length; i++) {
                            frame[i] = (float) (0.4 * Math.sin(phase));
                            phase += step;
                            if (phase >= 2 * Math.PI) {
                                phase -= 2 * Math.PI;
                            }
                        }
                    }

                    @Override
                    public boolean paced() {
                        return false;
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }

    /** {@code samples} (48 kHz mono) over and over, named {@code name}. */
    static VoiceSource loop(String name, float[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("a loop needs samples");
        }
        float[] kept = samples.clone();
        return new VoiceSource() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public Input open() {
                return new Input() {
                    private int next;

                    @Override
                    public void read(float[] frame) {
                        for (int i = 0; i < frame.length; i++) {
                            frame[i] = kept[next];
                            next = next + 1 == kept.length ? 0 : next + 1;
                        }
                    }

                    @Override
                    public boolean paced() {
                        return false;
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }

    /** The default microphone through javax.sound: 48 kHz mono, 16-bit signed little-endian. */
    static VoiceSource microphone() {
        return new VoiceSource() {
            @Override
            public String describe() {
                return "microphone";
            }

            @Override
            public Input open() throws IOException {
                AudioFormat format = Pcm16.FORMAT;
                DataLine.Info info = new DataLine.Info(TargetDataLine.class, format);
                TargetDataLine line;
                try {
                    if (!AudioSystem.isLineSupported(info)) {
                        throw new IOException(NO_MICROPHONE);
                    }
                    line = (TargetDataLine) AudioSystem.getLine(info);
                    line.open(format, Pcm16.FRAME_BYTES * Pcm16.DEVICE_BUFFER_FRAMES);
                } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
                    throw new IOException("cannot open the microphone: " + e.getMessage(), e);
                }
                line.start();
                return new Input() {
                    private final byte[] bytes = new byte[Pcm16.FRAME_BYTES];

                    @Override
                    public void read(float[] frame) throws IOException {
                        // A device clock a little faster than ours would add delay without end: what is buffered past
                        // a few frames goes.
                        int excess = line.available() - Pcm16.FRAME_BYTES * Pcm16.BACKLOG_FRAMES_MAX;
                        if (excess > 0) {
                            line.read(new byte[excess - excess % 2], 0, excess - excess % 2);
                        }
                        int filled = 0;
                        while (filled < bytes.length) {
                            int read = line.read(bytes, filled, bytes.length - filled);
                            if (read <= 0 && !line.isOpen()) {
                                throw new IOException("the microphone closed");
                            }
                            filled += Math.max(0, read);
                        }
                        Pcm16.toFloats(bytes, frame);
                    }

                    @Override
                    public boolean paced() {
                        return true;
                    }

                    @Override
                    public void close() {
                        line.stop();
                        line.close();
                    }
                };
            }
        };
    }
}
