package io.elara.crypto.identity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.crypto.sign.EventProof;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for what is read from disk or the network here: a key file (read with a passphrase) and an event's
 * signature proof. The property: a defined outcome — an identity, a one-line {@link KeyFileException}, a proof or
 * null — never another exception. Seeds under {@code KeyFileFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class KeyFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzKeyFile(byte[] bytes) {
        Path file;
        try {
            file = Files.createTempFile("elara-fuzz", ".key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.write(file, bytes);
            // A cheap cost keeps scrypt from dominating; the file's own cost byte is what is read, and it is bounded.
            KeyFile.read(file, "pw"::toCharArray);
        } catch (KeyFileException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new IllegalStateException("not a one-line error", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file; the OS cleans up
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzEventProof(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        EventProof proof = EventProof.decode(in);
        if (proof == null && in.position() != 0) {
            throw new IllegalStateException("a refused proof moved the position");
        }
    }
}
