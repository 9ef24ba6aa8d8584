package io.elara.stun.codec;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 5769's sample messages (shared/data/vectors/rfc/rfc5769-stun.json): each decodes, its MESSAGE-INTEGRITY
 * verifies with the given credentials (and fails with others), its addresses and texts read as the RFC says, and it
 * encodes back to exactly the same bytes, padding included.
 */
class Rfc5769StunTest {
    /** Read for each test, not in a static initializer: without the shared data folder the tests are skipped. */
    private final JsonNode vectors =
            SharedData.json("vectors/rfc/rfc5769-stun.json").get("vectors");

    private StunMessage decode(String name) {
        StunMessage.Decoded decoded =
                StunMessage.decode(hex(vectors.get(name).get("hex").asText()));
        assertThat(decoded.reject()).as(name).isEqualTo(StunReject.NONE);
        return decoded.message();
    }

    private static List<String> types(StunMessage message) {
        List<String> types = new ArrayList<>();
        message.attributes()
                .forEach(attribute -> types.add(String.format(java.util.Locale.ROOT, "0x%04x", attribute.type())));
        return types;
    }

    private List<String> expectedTypes(String name) {
        List<String> types = new ArrayList<>();
        vectors.get(name)
                .get("attributes")
                .forEach(type -> types.add(type.asText().toLowerCase(java.util.Locale.ROOT)));
        return types;
    }

    private byte[] key(String name) {
        JsonNode vector = vectors.get(name);
        if (vector.has("realm")) {
            return StunCredentials.longTermKey(
                    vector.get("username").asText(),
                    vector.get("realm").asText(),
                    vector.get("password_raw").asText());
        }
        return StunCredentials.shortTermKey(vector.get("password").asText());
    }

    @Test
    void shouldDecodeVerifyAndReencodeEverySampleExactly() {
        int checked = 0;
        for (String name : List.of("request_short_term", "response_ipv4", "response_ipv6", "request_long_term")) {
            byte[] bytes = hex(vectors.get(name).get("hex").asText());
            StunMessage message = decode(name);
            assertThat(types(message)).as(name).isEqualTo(expectedTypes(name));
            assertThat(message.method()).isEqualTo(StunHeaderFlyweight.METHOD_BINDING);
            assertThat(message.integrity(key(name))).as(name).isEqualTo(StunMessage.Integrity.VALID);
            assertThat(message.integrity(StunCredentials.shortTermKey("wrong")))
                    .as(name + " with a wrong key")
                    .isEqualTo(StunMessage.Integrity.INVALID);
            boolean fingerprint = message.attribute(StunAttributes.FINGERPRINT) != null;
            assertThat(message.toBuilder().encode(key(name), fingerprint))
                    .as(name + " encoded again")
                    .isEqualTo(bytes);
            checked++;
        }
        assertThat(checked).isEqualTo(4);
    }

    @Test
    void shouldReadTheSampleRequestsCredentialsAndSoftware() {
        StunMessage shortTerm = decode("request_short_term");
        assertThat(shortTerm.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_REQUEST);
        assertThat(shortTerm.text(StunAttributes.USERNAME)).isEqualTo("evtj:h6vY");
        assertThat(shortTerm.text(StunAttributes.SOFTWARE)).isEqualTo("STUN test client");

        StunMessage longTerm = decode("request_long_term");
        JsonNode vector = vectors.get("request_long_term");
        assertThat(longTerm.text(StunAttributes.USERNAME))
                .isEqualTo(vector.get("username").asText());
        assertThat(longTerm.text(StunAttributes.REALM)).isEqualTo("example.org");
        assertThat(longTerm.text(StunAttributes.NONCE))
                .isEqualTo(vector.get("nonce").asText());
        assertThat(SaslPrep.prepare(vector.get("password_raw").asText()))
                .isEqualTo(vector.get("password_saslprepped").asText());
        assertThat(longTerm.integrity(
                        StunCredentials.longTermKey(vector.get("username").asText(), "example.org", "TheMatrIX")))
                .as("the prepared password gives the same key")
                .isEqualTo(StunMessage.Integrity.VALID);
    }

    @Test
    void shouldReadTheSampleResponsesMappedAddresses() {
        for (String name : List.of("response_ipv4", "response_ipv6")) {
            StunMessage response = decode(name);
            String expected = vectors.get(name).get("xor_mapped_address").asText();
            InetSocketAddress mapped = response.address(StunAttributes.XOR_MAPPED_ADDRESS);
            String host = mapped.getAddress().getHostAddress().replaceAll("(^|:)0+([0-9a-f])", "$1$2");
            String text = mapped.getAddress() instanceof java.net.Inet6Address
                    ? "[" + host + "]:" + mapped.getPort()
                    : host + ":" + mapped.getPort();
            assertThat(text).as(name).isEqualTo(expected);
            assertThat(response.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE);
            assertThat(response.text(StunAttributes.SOFTWARE)).isEqualTo("test vector");
        }
    }
}
