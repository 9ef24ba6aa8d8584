package io.elara.crdt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed seed corpus is what {@link CrdtCodecFuzzSeeds} writes, so the seeds stay valid encodings. */
class CrdtCodecFuzzSeedsTest {
    @Test
    void shouldMatchTheGeneratorWhenSeedsAreCommitted() throws IOException {
        for (Map.Entry<String, byte[]> seed : CrdtCodecFuzzSeeds.seeds().entrySet()) {
            Path file = Path.of(CrdtCodecFuzzSeeds.DIRECTORY, seed.getKey());
            assertThat(file).as("run CrdtCodecFuzzSeeds.main to write %s", file).exists();
            assertThat(Files.readAllBytes(file)).as(seed.getKey()).isEqualTo(seed.getValue());
        }
    }
}
