package io.elara.node.pipeline.audio;

import io.elara.node.pipeline.RuntimeData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes RIFF/WAVE files. Reads PCM at 8, 16, 24 and 32 bits, and 32-bit IEEE float, in plain or
 * WAVE_FORMAT_EXTENSIBLE headers, at any rate and up to {@link #CHANNELS_MAX} channels; skips chunks it does not
 * know (LIST, fact, ...). Writes 16-bit PCM. Samples are floats in [-1, 1], interleaved.
 */
public final class Wav {
    /** Channels accepted at most. */
    public static final int CHANNELS_MAX = 8;
    /** Largest file read, so a hostile header cannot make the node allocate without bound. */
    public static final long FILE_BYTES_MAX = 1L << 30;

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private Wav() {}

    /** Reads the whole file. */
    public static RuntimeData.Audio read(Path file) throws WavFormatException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > FILE_BYTES_MAX) {
                throw new WavFormatException(
                        file + ": " + size + " bytes is larger than the " + FILE_BYTES_MAX + "-byte limit");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WavFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw new WavFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes a whole WAV file held in memory; {@code name} names it in errors. */
    public static RuntimeData.Audio decode(byte[] bytes, String name) throws WavFormatException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12
                || buffer.getInt(0) != 0x46464952 /* RIFF */
                || buffer.getInt(8) != 0x45564157 /* WAVE */) {
            throw new WavFormatException(name + ": not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1;
        int channels = 0;
        int sampleRate = 0;
        int bits = 0;
        int blockAlign = 0;
        int offset = 12;
        while (offset + 8 <= bytes.length) {
            int id = buffer.getInt(offset);
            long length = buffer.getInt(offset + 4) & 0xFFFF_FFFFL;
            int body = offset + 8;
            if (id == 0x20746D66 /* "fmt " */) {
                if (length < 16 || body + 16 > bytes.length) {
                    throw new WavFormatException(name + ": the fmt chunk is truncated");
                }
                format = buffer.getShort(body) & 0xFFFF;
                channels = buffer.getShort(body + 2) & 0xFFFF;
                sampleRate = buffer.getInt(body + 4);
                blockAlign = buffer.getShort(body + 12) & 0xFFFF;
                bits = buffer.getShort(body + 14) & 0xFFFF;
                if (format == FORMAT_EXTENSIBLE) {
                    if (length < 40 || body + 26 > bytes.length) {
                        throw new WavFormatException(name + ": the extensible fmt chunk is truncated");
                    }
                    format = buffer.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (id == 0x61746164 /* "data" */) {
                if (format < 0) {
                    throw new WavFormatException(name + ": the data chunk comes before any fmt chunk");
                }
                checkFormat(name, format, channels, sampleRate, bits, blockAlign);
                long available = Math.min(length, bytes.length - (long) body);
                if (available < length && available % blockAlign != 0) {
                    available -= available % blockAlign;
                }
                return samples(buffer, body, (int) (available / blockAlign), format, channels, sampleRate, bits);
            }
            // Chunks are padded to an even length.
            long next = body + length + (length & 1);
            if (next > bytes.length) {
                break;
            }
            offset = (int) next;
        }
        throw new WavFormatException(name + ": no data chunk");
    }

    private static void checkFormat(String name, int format, int channels, int sampleRate, int bits, int blockAlign)
            throws WavFormatException {
        if (format != FORMAT_PCM && format != FORMAT_FLOAT) {
            throw new WavFormatException(name + ": unsupported sample format (WAV format code " + format
                    + "; Elara reads PCM and 32-bit float)");
        }
        if (format == FORMAT_PCM && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw new WavFormatException(name + ": unsupported PCM sample size of " + bits + " bits (8, 16, 24, 32)");
        }
        if (format == FORMAT_FLOAT && bits != 32) {
            throw new WavFormatException(name + ": unsupported float sample size of " + bits + " bits (32)");
        }
        if (channels < 1 || channels > CHANNELS_MAX) {
            throw new WavFormatException(name + ": " + channels + " channels (1 to " + CHANNELS_MAX + " supported)");
        }
        if (sampleRate < 1_000 || sampleRate > 384_000) {
            throw new WavFormatException(name + ": sample rate " + sampleRate + " Hz is out of range");
        }
        if (blockAlign != channels * bits / 8) {
            throw new WavFormatException(name + ": block align " + blockAlign + " does not match " + channels
                    + " channels of " + bits + " bits");
        }
    }

    private static RuntimeData.Audio samples(
            ByteBuffer buffer, int offset, int frames, int format, int channels, int sampleRate, int bits) {
        float[] samples = new float[frames * channels];
        int bytesPerSample = bits / 8;
        int position = offset;
        for (int i = 0; i < samples.length; i++) {
            float value;
            if (format == FORMAT_FLOAT) {
                value = buffer.getFloat(position);
            } else if (bits == 8) {
                value = ((buffer.get(position) & 0xFF) - 128) / 128f;
            } else if (bits == 16) {
                value = buffer.getShort(position) / 32768f;
            } else if (bits == 24) {
                int sample = (buffer.get(position) & 0xFF)
                        | (buffer.get(position + 1) & 0xFF) << 8
                        | buffer.get(position + 2) << 16;
                value = sample / 8388608f;
            } else {
                value = (float) (buffer.getInt(position) / 2147483648.0);
            }
            samples[i] = Float.isNaN(value) ? 0f : Math.max(-1f, Math.min(1f, value));
            position += bytesPerSample;
        }
        return new RuntimeData.Audio(samples, sampleRate, channels);
    }

    /** Encodes {@code audio} as a 16-bit PCM WAV file, rounding and clipping each sample. */
    public static byte[] encode(RuntimeData.Audio audio) {
        float[] samples = audio.samples();
        ByteBuffer out = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0x46464952).putInt(36 + samples.length * 2).putInt(0x45564157);
        out.putInt(0x20746D66).putInt(16);
        out.putShort((short) FORMAT_PCM).putShort((short) audio.channels()).putInt(audio.sampleRate());
        out.putInt(audio.sampleRate() * audio.channels() * 2).putShort((short) (audio.channels() * 2));
        out.putShort((short) 16);
        out.putInt(0x61746164).putInt(samples.length * 2);
        for (float sample : samples) {
            out.putShort(toPcm16(sample));
        }
        return out.array();
    }

    /** Writes {@code audio} to {@code file} as 16-bit PCM. */
    public static void write(Path file, RuntimeData.Audio audio) throws IOException {
        Files.write(file, encode(audio));
    }

    static short toPcm16(float sample) {
        float clipped = Math.max(-1f, Math.min(1f, sample));
        return (short) Math.max(-32768, Math.min(32767, Math.round(clipped * 32768f)));
    }
}
