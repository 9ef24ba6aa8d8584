package io.elara.crypto.noise;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CipherStateTest {
    private static final byte[] NO_AD = new byte[0];

    private static byte[] key(int seed) {
        byte[] key = new byte[CipherState.KEY_LENGTH];
        Arrays.fill(key, (byte) seed);
        return key;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldMatchRfc8439WhenNonceIsFourZeroBytesThenLittleEndianCounter() throws Exception {
        // RFC 8439 appendix A.5 uses the nonce 00000000 0102030405060708: four zero bytes, then the counter
        // 0x0807060504030201 in little-endian order, which is exactly Noise's ChaChaPoly nonce (spec section 12.3).
        JsonNode vector = SharedData.json("vectors/rfc/rfc8439-chacha20poly1305.json")
                .get("vectors")
                .get(1);
        assertThat(vector.get("nonce").asText()).isEqualTo("000000000102030405060708");
        byte[] key = hex(vector.get("key").asText());
        byte[] aad = hex(vector.get("aad").asText());
        byte[] plaintext = hex(vector.get("plaintext").asText());
        byte[] wire = concat(
                hex(vector.get("ciphertext").asText()), hex(vector.get("tag").asText()));
        long counter = 0x0807060504030201L;

        CipherState sender = CipherState.withKey(key);
        sender.setNonce(counter);
        assertThat(sender.encryptWithAd(aad, plaintext)).isEqualTo(wire);
        assertThat(sender.nonce()).isEqualTo(counter + 1);

        CipherState receiver = CipherState.withKey(key);
        receiver.setNonce(counter);
        assertThat(receiver.decryptWithAd(aad, wire)).isEqualTo(plaintext);
    }

    @Test
    void shouldRoundTripInOrderWhenBothSidesShareTheKey() throws Exception {
        CipherState sender = CipherState.withKey(key(7));
        CipherState receiver = CipherState.withKey(key(7));
        for (int i = 0; i < 5; i++) {
            byte[] plaintext = ("message " + i).getBytes(StandardCharsets.UTF_8);
            byte[] ciphertext = sender.encryptWithAd(NO_AD, plaintext);
            assertThat(ciphertext).hasSize(plaintext.length + CipherState.TAG_LENGTH);
            assertThat(receiver.decryptWithAd(NO_AD, ciphertext)).isEqualTo(plaintext);
        }
        assertThat(sender.nonce()).isEqualTo(5);
        assertThat(receiver.nonce()).isEqualTo(5);
    }

    @Test
    void shouldKeepTheNonceAndAcceptTheGenuineMessageWhenAForgeryArrivesFirst() throws Exception {
        // The JDK refuses to initialise ChaCha20 twice in a row with one key and nonce; a retry after a bad tag
        // must still work.
        CipherState sender = CipherState.withKey(key(1));
        CipherState receiver = CipherState.withKey(key(1));
        byte[] genuine = sender.encryptWithAd(NO_AD, "hello".getBytes(StandardCharsets.UTF_8));
        byte[] forged = genuine.clone();
        forged[0] ^= 1;

        assertThatThrownBy(() -> receiver.decryptWithAd(NO_AD, forged))
                .isInstanceOf(NoiseException.class)
                .hasMessage("authentication tag does not verify");
        assertThatThrownBy(() -> receiver.decryptWithAd(NO_AD, forged)).isInstanceOf(NoiseException.class);
        assertThat(receiver.nonce()).isZero();
        assertThat(receiver.decryptWithAd(NO_AD, genuine))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("hello");
        assertThatThrownBy(() -> receiver.decryptWithAd(NO_AD, genuine)).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldRejectWhenTheAssociatedDataDiffers() throws Exception {
        byte[] ciphertext = CipherState.withKey(key(2)).encryptWithAd(new byte[] {1}, new byte[10]);
        assertThatThrownBy(() -> CipherState.withKey(key(2)).decryptWithAd(new byte[] {2}, ciphertext))
                .isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldFailEveryCallWhenTheNonceReachesTheReservedValue() throws Exception {
        CipherState sender = CipherState.withKey(key(3));
        sender.setNonce(CipherState.NONCE_RESERVED - 1);
        byte[] last = sender.encryptWithAd(NO_AD, new byte[1]);
        assertThat(sender.nonce()).isEqualTo(CipherState.NONCE_RESERVED);
        assertThatThrownBy(() -> sender.encryptWithAd(NO_AD, new byte[1]))
                .isInstanceOf(NoiseException.class)
                .hasMessageStartingWith("nonce exhausted");

        CipherState receiver = CipherState.withKey(key(3));
        receiver.setNonce(CipherState.NONCE_RESERVED - 1);
        assertThat(receiver.decryptWithAd(NO_AD, last)).hasSize(1);
        assertThatThrownBy(() -> receiver.decryptWithAd(NO_AD, last)).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldDeriveTheSpecKeyWhenRekeying() throws Exception {
        byte[] key = key(4);
        // REKEY(k) = the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes) (spec section 4.2), computed here
        // straight from the JDK cipher.
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        byte[] reservedNonce = {0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1};
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(reservedNonce));
        byte[] expectedKey = Arrays.copyOf(cipher.doFinal(new byte[32]), 32);

        CipherState rekeyed = CipherState.withKey(key);
        rekeyed.encryptWithAd(NO_AD, new byte[3]);
        rekeyed.rekey();
        assertThat(rekeyed.nonce()).as("rekey keeps the nonce").isEqualTo(1);
        CipherState reference = CipherState.withKey(expectedKey);
        reference.setNonce(1);
        assertThat(rekeyed.encryptWithAd(NO_AD, new byte[5])).isEqualTo(reference.encryptWithAd(NO_AD, new byte[5]));
    }

    @Test
    void shouldStayInStepWhenBothSidesRekeyTwice() throws Exception {
        CipherState sender = CipherState.withKey(key(5));
        CipherState receiver = CipherState.withKey(key(5));
        for (int round = 0; round < 2; round++) {
            sender.rekey();
            receiver.rekey();
            byte[] ciphertext = sender.encryptWithAd(NO_AD, new byte[] {(byte) round});
            assertThat(receiver.decryptWithAd(NO_AD, ciphertext)).containsExactly(round);
        }
        CipherState stale = CipherState.withKey(key(5));
        stale.setNonce(2);
        byte[] next = sender.encryptWithAd(NO_AD, new byte[1]);
        assertThatThrownBy(() -> stale.decryptWithAd(NO_AD, next)).isInstanceOf(NoiseException.class);
    }

    @ParameterizedTest(name = "plaintext of {0} bytes")
    @ValueSource(ints = {0, 1, CipherState.PLAINTEXT_LENGTH_MAX - 1, CipherState.PLAINTEXT_LENGTH_MAX})
    void shouldRoundTripWhenThePlaintextIsWithinBounds(int length) throws Exception {
        byte[] plaintext = new byte[length];
        Arrays.fill(plaintext, (byte) 0x5a);
        byte[] ciphertext = CipherState.withKey(key(6)).encryptWithAd(NO_AD, plaintext);
        assertThat(ciphertext.length).isLessThanOrEqualTo(CipherState.MESSAGE_LENGTH_MAX);
        assertThat(CipherState.withKey(key(6)).decryptWithAd(NO_AD, ciphertext)).isEqualTo(plaintext);
    }

    @Test
    void shouldRejectWhenThePlaintextExceedsTheNoiseMaximum() {
        assertThatThrownBy(() -> CipherState.withKey(key(6))
                        .encryptWithAd(NO_AD, new byte[CipherState.PLAINTEXT_LENGTH_MAX + 1]))
                .isInstanceOf(NoiseException.class);
    }

    @ParameterizedTest(name = "ciphertext of {0} bytes")
    @ValueSource(ints = {0, 1, CipherState.TAG_LENGTH - 1, CipherState.MESSAGE_LENGTH_MAX + 1})
    void shouldRejectWhenTheCiphertextLengthIsOutOfBounds(int length) {
        CipherState receiver = CipherState.withKey(key(6));
        assertThatThrownBy(() -> receiver.decryptWithAd(NO_AD, new byte[length]))
                .isInstanceOf(NoiseException.class);
        assertThat(receiver.nonce()).isZero();
    }

    @Test
    void shouldPassPlaintextThroughWhenNoKeyIsSet() throws Exception {
        CipherState empty = new CipherState();
        assertThat(empty.hasKey()).isFalse();
        assertThat(empty.encryptWithAd(NO_AD, new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(empty.decryptWithAd(NO_AD, new byte[] {3})).containsExactly(3);
        assertThatThrownBy(empty::rekey).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldRefuseEveryCallWhenClosed() {
        CipherState state = CipherState.withKey(key(8));
        state.close();
        state.close();
        assertThat(state.hasKey()).isFalse();
        assertThatThrownBy(() -> state.encryptWithAd(NO_AD, new byte[1]))
                .isInstanceOf(NoiseException.class)
                .hasMessage("cipher state is closed");
        assertThatThrownBy(() -> state.decryptWithAd(NO_AD, new byte[20])).isInstanceOf(NoiseException.class);
        assertThatThrownBy(state::rekey).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldCopyTheKeyWhenAskedAndRefuseWhenThereIsNoneOrClosed() throws Exception {
        CipherState state = CipherState.withKey(key(9));
        byte[] copy = state.copyKey();
        assertThat(copy).isEqualTo(key(9));
        copy[0] ^= 1;
        assertThat(state.copyKey()).isEqualTo(key(9));
        assertThatThrownBy(() -> new CipherState().copyKey()).isInstanceOf(NoiseException.class);
        state.close();
        assertThatThrownBy(state::copyKey).isInstanceOf(NoiseException.class);
    }
}
