package io.elara.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target for the one decoder of transport packets. The properties: opening never throws, a reject moves no
 * position, and a packet that opened once never opens again. Under plain {@code mvn test} it replays its seed corpus
 * from {@code src/test/resources/io/elara/crypto/aead/PacketOpenerFuzzTestInputs} (genuine packets sealed with
 * {@link #KEY}, which the fuzzer then mutates); {@code JAZZER_FUZZ=1} fuzzes for real. The genuine seeds were
 * sealed by pyca/cryptography, so they also pin {@link PacketFormat} against a second implementation.
 */
class PacketOpenerFuzzTest {
    /** The key the seed packets were sealed with: bytes 0, 1, ..., 31. */
    static final byte[] KEY = key();

    private static final long NOW_NS = 1_000_000_000L;
    private static final int HEADER_LENGTH_MASK = 0x0F;
    private static final int DIRECT_FLAG = 0x10;

    /**
     * The first byte chooses the header length (low 4 bits) and direct buffers (bit 4); the rest is the datagram,
     * header first.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzOneDatagram(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int headerLength = Math.min(input[0] & HEADER_LENGTH_MASK, input.length - 1);
        boolean direct = (input[0] & DIRECT_FLAG) != 0;
        byte[] datagram = Arrays.copyOfRange(input, 1, input.length);
        try (PacketOpener opener = PacketOpener.create(KEY, NOW_NS)) {
            PacketReject first = open(opener, datagram, headerLength, direct);
            PacketReject second = open(opener, datagram, headerLength, direct);
            if (first == PacketReject.NONE && second != PacketReject.TOO_OLD_OR_REPLAYED) {
                throw new AssertionError("a packet opened once, then " + second + " instead of a replay");
            }
            if (first != PacketReject.NONE && second != first) {
                throw new AssertionError("a rejected packet was " + first + ", then " + second);
            }
        }
    }

    @Test
    void shouldOpenEveryGenuineSeedWhenTheSeedsWereSealedElsewhere() throws IOException {
        for (String seed : new String[] {"genuine-heap", "genuine-direct", "genuine-empty-header-and-plaintext"}) {
            byte[] input;
            try (InputStream in = PacketOpenerFuzzTest.class.getResourceAsStream(
                    "PacketOpenerFuzzTestInputs/fuzzOneDatagram/" + seed)) {
                assertThat(in).as(seed).isNotNull();
                input = in.readAllBytes();
            }
            int headerLength = input[0] & HEADER_LENGTH_MASK;
            try (PacketOpener opener = PacketOpener.create(KEY, NOW_NS)) {
                assertThat(open(opener, Arrays.copyOfRange(input, 1, input.length), headerLength, true))
                        .as(seed)
                        .isEqualTo(PacketReject.NONE);
            }
        }
    }

    private static PacketReject open(PacketOpener opener, byte[] datagram, int headerLength, boolean direct) {
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(datagram.length) : ByteBuffer.allocate(datagram.length);
        buffer.put(datagram).flip().position(headerLength);
        ByteBuffer plaintext = ByteBuffer.allocate(datagram.length);
        PacketReject reject = opener.open(buffer, 0, plaintext, NOW_NS);
        if (reject != PacketReject.NONE && (buffer.position() != headerLength || plaintext.position() != 0)) {
            throw new AssertionError("a " + reject + " reject moved a position");
        }
        return reject;
    }

    private static byte[] key() {
        byte[] key = new byte[PacketFormat.KEY_LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        return key;
    }
}
