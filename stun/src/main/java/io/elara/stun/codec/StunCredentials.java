package io.elara.stun.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The keys MESSAGE-INTEGRITY is computed with (RFC 8489 section 9.2.2, as RFC 5389 and RFC 5769 compute them). */
public final class StunCredentials {
    private StunCredentials() {}

    /** A short-term credential's key (ICE connectivity checks): the SASLprep'd password in UTF-8. */
    public static byte[] shortTermKey(String password) {
        return SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
    }

    /** A long-term credential's key (TURN): MD5(username ":" realm ":" SASLprep(password)). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return md5.digest(
                    (username + ":" + realm + ":" + SaslPrep.prepare(password)).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
