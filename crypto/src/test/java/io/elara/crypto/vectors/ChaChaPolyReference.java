package io.elara.crypto.vectors;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** ChaCha20-Poly1305 through the JDK's cipher and Bouncy Castle's, used directly: the references for the vectors. */
final class ChaChaPolyReference {
    private ChaChaPolyReference() {}

    /** Ciphertext followed by the tag, from the JDK. */
    static byte[] jdkSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(plaintext);
    }

    /** The plaintext from the JDK, or null when it refuses (bad tag, or a nonce it cannot take). */
    static byte[] jdkOpen(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed);
        } catch (GeneralSecurityException | IllegalArgumentException refused) {
            // Refusal is the outcome under test; the caller asserts on the null.
            return null;
        }
    }

    /** Ciphertext followed by the tag, from Bouncy Castle's lightweight API. */
    static byte[] bcSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws InvalidCipherTextException {
        ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        cipher.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
        int written = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
        cipher.doFinal(out, written);
        return out;
    }

    /** The plaintext from Bouncy Castle, or null when it refuses. */
    static byte[] bcOpen(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) {
        try {
            ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
            cipher.init(false, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
            byte[] out = new byte[cipher.getOutputSize(sealed.length)];
            int written = cipher.processBytes(sealed, 0, sealed.length, out, 0);
            cipher.doFinal(out, written);
            return out;
        } catch (InvalidCipherTextException | IllegalArgumentException refused) {
            // Refusal is the outcome under test; the caller asserts on the null.
            return null;
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
