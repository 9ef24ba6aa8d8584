package io.elara.node.secure;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MacsTest {
    /** Bouncy Castle's XChaCha20-Poly1305 (HChaCha20 + ChaCha20-Poly1305) against every Wycheproof vector. */
    @Test
    void shouldMatchEveryWycheproofVectorWhenSealingAndOpeningXChaCha20Poly1305() {
        JsonNode root = SharedData.json("vectors/wycheproof/xchacha20_poly1305_test.json");
        int checked = 0;
        for (JsonNode group : root.get("testGroups")) {
            for (JsonNode test : group.get("tests")) {
                byte[] key = hex(test.get("key").asText());
                byte[] nonce = hex(test.get("iv").asText());
                byte[] aad = hex(test.get("aad").asText());
                byte[] msg = hex(test.get("msg").asText());
                byte[] sealed =
                        concat(hex(test.get("ct").asText()), hex(test.get("tag").asText()));
                String result = test.get("result").asText();
                String id = "tcId " + test.get("tcId").asInt();
                boolean usable = key.length == 32 && nonce.length == Macs.NONCE_LENGTH;
                if (result.equals("valid")) {
                    assertThat(usable).as(id).isTrue();
                    assertThat(Macs.xSeal(key, nonce, aad, msg)).as(id).isEqualTo(sealed);
                    assertThat(Macs.xOpen(key, nonce, aad, sealed, 0, sealed.length))
                            .as(id)
                            .isEqualTo(msg);
                } else if (usable) {
                    assertThat(Macs.xOpen(key, nonce, aad, sealed, 0, sealed.length))
                            .as(id)
                            .isNull();
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(root.get("numberOfTests").asInt());
    }

    @Test
    void shouldCoverAddressAndPortWhenBuildingCookieInput() throws Exception {
        byte[] v4 = Macs.addressBytes(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0x1234));
        assertThat(v4).containsExactly(192 - 256, 0, 2, 1, 0x12, 0x34);
        byte[] v6 = Macs.addressBytes(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 7));
        assertThat(v6).hasSize(18);
        assertThat(v6[17]).isEqualTo((byte) 7);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
