package io.elara.crypto.vectors;

import static io.elara.crypto.vectors.ChaChaPolyReference.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.aead.AeadTestAccess;
import io.elara.crypto.aead.PacketFormat;
import io.elara.crypto.aead.PacketOpener;
import io.elara.crypto.aead.PacketReject;
import io.elara.crypto.aead.PacketSealer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof {@code chacha20_poly1305_test.json}: valid cases seal to the expected ciphertext and tag and open again;
 * invalid ones (modified tags, nonces that are not 96 bits) do not open.
 */
class WycheproofChaCha20Poly1305Test {
    private static final String FILE = "chacha20_poly1305_test.json";
    private static final int TESTS = 325;
    private static final int VALID = 256;
    private static final int INVALID = 69;
    /** Invalid cases whose nonce is not 12 bytes (0, 8, 11, 13, 14, 16, 20, 24, 32). */
    private static final int OTHER_NONCE_SIZES = 9;
    /** Valid cases whose nonce is 4 zero bytes and a counter, as a transport packet's is. */
    private static final int PACKET_NONCES = 10;

    private final List<Wycheproof.Case> cases = Wycheproof.cases(FILE);

    @Test
    void shouldSealValidAndRefuseInvalidCasesWhenUsingTheRawJdkCipher() throws Exception {
        int valid = 0;
        int invalid = 0;
        for (Wycheproof.Case c : cases) {
            Aead a = new Aead(c);
            if (a.valid) {
                assertThat(ChaChaPolyReference.jdkSeal(a.key, a.nonce, a.aad, a.plaintext))
                        .as(a.where)
                        .isEqualTo(a.sealed);
                assertThat(ChaChaPolyReference.jdkOpen(a.key, a.nonce, a.aad, a.sealed))
                        .as(a.where)
                        .isEqualTo(a.plaintext);
                valid++;
            } else {
                assertThat(ChaChaPolyReference.jdkOpen(a.key, a.nonce, a.aad, a.sealed))
                        .as(a.where)
                        .isNull();
                invalid++;
            }
        }
        assertThat(new int[] {cases.size(), valid, invalid})
                .as("%s through the JDK: tests, valid sealed and opened, invalid refused", FILE)
                .containsExactly(TESTS, VALID, INVALID);
    }

    /**
     * The cipher path of {@link PacketSealer} and {@link PacketOpener}, on heap and direct buffers. It takes only
     * 96-bit nonces, so the invalid cases with other nonce sizes are skipped here (the JDK test above refuses them);
     * every other invalid case runs.
     */
    @Test
    void shouldSealValidAndRefuseInvalidCasesWhenUsingThePacketCipherPath() {
        int valid = 0;
        int invalid = 0;
        int skipped = 0;
        for (Wycheproof.Case c : cases) {
            Aead a = new Aead(c);
            if (a.nonce.length != 12) {
                assertThat(a.valid).as(a.where).isFalse();
                skipped++;
                continue;
            }
            for (boolean direct : new boolean[] {false, true}) {
                String where = a.where + ", direct " + direct;
                if (a.valid) {
                    assertThat(AeadTestAccess.seal(a.key, a.nonce, a.aad, a.plaintext, direct))
                            .as(where)
                            .isEqualTo(a.sealed);
                    assertThat(AeadTestAccess.open(a.key, a.nonce, a.aad, a.sealed, direct))
                            .as(where)
                            .isEqualTo(a.plaintext);
                } else {
                    assertThat(AeadTestAccess.open(a.key, a.nonce, a.aad, a.sealed, direct))
                            .as(where)
                            .isNull();
                }
            }
            if (a.valid) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertThat(new int[] {cases.size(), valid, invalid, skipped})
                .as("%s through the packet cipher: tests, valid, invalid refused, skipped for nonce size", FILE)
                .containsExactly(TESTS, VALID, INVALID - OTHER_NONCE_SIZES, OTHER_NONCE_SIZES);
    }

    /**
     * Through the public sealer and opener, for the cases whose nonce a transport packet can carry (4 zero bytes and
     * a counter below the message limit): the rest have a different 32-bit constant, which the packet format fixes at
     * zero. None of the invalid cases has such a nonce.
     */
    @Test
    void shouldSealAndOpenAsTransportPacketsWhenTheNonceIsACounterNonce() {
        int packets = 0;
        for (Wycheproof.Case c : cases) {
            Aead a = new Aead(c);
            if (a.nonce.length != 12 || !Arrays.equals(a.nonce, 0, 4, new byte[4], 0, 4)) {
                continue;
            }
            long counter = ByteBuffer.wrap(a.nonce, 4, 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            ByteBuffer datagram = ByteBuffer.allocate(a.aad.length + PacketFormat.OVERHEAD + a.plaintext.length);
            datagram.put(a.aad);
            byte[] plaintext = new byte[a.plaintext.length];
            try (PacketSealer sealer = AeadTestAccess.sealerAt(a.key, 0, counter);
                    PacketOpener opener = PacketOpener.create(a.key, 0)) {
                if (a.valid) {
                    assertThat(sealer.seal(datagram, 0, ByteBuffer.wrap(a.plaintext), 0))
                            .as(a.where)
                            .isEqualTo(PacketReject.NONE);
                    assertThat(Arrays.copyOfRange(
                                    datagram.array(), a.aad.length + PacketFormat.COUNTER_LENGTH, datagram.limit()))
                            .as(a.where)
                            .isEqualTo(a.sealed);
                } else {
                    datagram.putLong(counter).put(a.sealed);
                }
                datagram.position(a.aad.length);
                PacketReject reject = opener.open(datagram, 0, ByteBuffer.wrap(plaintext), 0);
                assertThat(reject).as(a.where).isEqualTo(a.valid ? PacketReject.NONE : PacketReject.BAD_TAG);
            }
            if (a.valid) {
                assertThat(plaintext).as(a.where).isEqualTo(a.plaintext);
            }
            packets++;
        }
        assertThat(packets).as("%s cases with a packet nonce", FILE).isEqualTo(PACKET_NONCES);
    }

    private static final class Aead {
        final String where;
        final boolean valid;
        final byte[] key;
        final byte[] nonce;
        final byte[] aad;
        final byte[] plaintext;
        final byte[] sealed;

        Aead(Wycheproof.Case c) {
            where = FILE + ": " + c;
            valid = switch (c.result()) {
                case "valid" -> true;
                case "invalid" -> false;
                default -> throw new AssertionError("an AEAD case is valid or invalid: " + c);
            };
            key = c.hex("key");
            nonce = c.hex("iv");
            aad = c.hex("aad");
            plaintext = c.hex("msg");
            sealed = concat(c.hex("ct"), c.hex("tag"));
        }
    }
}
