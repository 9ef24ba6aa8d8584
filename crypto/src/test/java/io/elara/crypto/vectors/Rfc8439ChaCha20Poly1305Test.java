package io.elara.crypto.vectors;

import static io.elara.crypto.vectors.ChaChaPolyReference.concat;
import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crypto.aead.AeadTestAccess;
import io.elara.crypto.aead.PacketFormat;
import io.elara.crypto.aead.PacketOpener;
import io.elara.crypto.aead.PacketReject;
import io.elara.crypto.aead.PacketSealer;
import io.elara.testing.vectors.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 8439 section 2.8.2 and appendix A.5 known answers, through the raw JDK cipher, Bouncy Castle, the cipher path
 * that {@link PacketSealer} and {@link PacketOpener} use, and (where the nonce is a packet nonce) those two classes.
 */
class Rfc8439ChaCha20Poly1305Test {
    private static final long NOW_NS = 0;

    private final JsonNode vectors =
            SharedData.json("vectors/rfc/rfc8439-chacha20poly1305.json").get("vectors");

    @Test
    void shouldMatchEveryVectorWhenSealedAndOpenedByTheJdkBouncyCastleAndThePacketCipher() throws Exception {
        int checked = 0;
        for (JsonNode vector : vectors) {
            Vector v = new Vector(vector);
            byte[] sealed = concat(v.ciphertext, v.tag);

            assertThat(ChaChaPolyReference.jdkSeal(v.key, v.nonce, v.aad, v.plaintext))
                    .as("JDK, " + v.name)
                    .isEqualTo(sealed);
            assertThat(ChaChaPolyReference.jdkOpen(v.key, v.nonce, v.aad, sealed))
                    .as("JDK, " + v.name)
                    .isEqualTo(v.plaintext);
            assertThat(ChaChaPolyReference.bcSeal(v.key, v.nonce, v.aad, v.plaintext))
                    .as("BC, " + v.name)
                    .isEqualTo(sealed);
            for (boolean direct : new boolean[] {false, true}) {
                String path = "packet cipher, direct " + direct + ", " + v.name;
                assertThat(AeadTestAccess.seal(v.key, v.nonce, v.aad, v.plaintext, direct))
                        .as(path)
                        .isEqualTo(sealed);
                assertThat(AeadTestAccess.open(v.key, v.nonce, v.aad, sealed, direct))
                        .as(path)
                        .isEqualTo(v.plaintext);
            }
            checked++;
        }
        assertThat(checked).as("rfc8439-chacha20poly1305.json vectors").isEqualTo(2);
    }

    /**
     * Only A.5 goes through the public sealer and opener: their nonce is 4 zero bytes and the counter (Noise), and
     * 2.8.2's nonce starts with 07 00 00 00.
     */
    @Test
    void shouldMatchTheAppendixVectorWhenSealedAndOpenedAsATransportPacket() {
        int checked = 0;
        for (JsonNode vector : vectors) {
            Vector v = new Vector(vector);
            if (!Arrays.equals(v.nonce, 0, 4, new byte[4], 0, 4)) {
                continue;
            }
            long counter = ByteBuffer.wrap(v.nonce, 4, 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            byte[] expected = ByteBuffer.allocate(v.aad.length + PacketFormat.OVERHEAD + v.plaintext.length)
                    .put(v.aad)
                    .putLong(counter)
                    .put(v.ciphertext)
                    .put(v.tag)
                    .array();

            ByteBuffer datagram = ByteBuffer.allocate(expected.length).put(v.aad);
            try (PacketSealer sealer = AeadTestAccess.sealerAt(v.key, NOW_NS, counter)) {
                assertThat(sealer.seal(datagram, 0, ByteBuffer.wrap(v.plaintext), NOW_NS))
                        .isEqualTo(PacketReject.NONE);
            }
            assertThat(datagram.array()).as(v.name).isEqualTo(expected);

            ByteBuffer received =
                    ByteBuffer.allocateDirect(expected.length).put(expected).position(v.aad.length);
            ByteBuffer plaintext = ByteBuffer.allocate(v.plaintext.length);
            try (PacketOpener opener = PacketOpener.create(v.key, NOW_NS)) {
                assertThat(opener.open(received, 0, plaintext, NOW_NS))
                        .as(v.name)
                        .isEqualTo(PacketReject.NONE);
            }
            assertThat(plaintext.array()).as(v.name).isEqualTo(v.plaintext);
            checked++;
        }
        assertThat(checked).as("vectors with a packet nonce").isEqualTo(1);
    }

    private static final class Vector {
        final String name;
        final byte[] key;
        final byte[] nonce;
        final byte[] aad;
        final byte[] plaintext;
        final byte[] ciphertext;
        final byte[] tag;

        Vector(JsonNode vector) {
            name = vector.get("name").asText();
            key = hex(vector.get("key").asText());
            nonce = hex(vector.get("nonce").asText());
            aad = hex(vector.get("aad").asText());
            plaintext = hex(vector.get("plaintext").asText());
            ciphertext = hex(vector.get("ciphertext").asText());
            tag = hex(vector.get("tag").asText());
        }
    }
}
