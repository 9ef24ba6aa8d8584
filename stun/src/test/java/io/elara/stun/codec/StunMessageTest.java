package io.elara.stun.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages built here read back; malformed ones are refused with their reason, never an exception. */
class StunMessageTest {
    private static final byte[] TRANSACTION = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static StunMessage.Builder request() {
        return StunMessage.builder(StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_REQUEST, TRANSACTION);
    }

    private static StunReject reject(byte[] bytes) {
        return StunMessage.decode(bytes).reject();
    }

    @Test
    void shouldRoundTripAddressesErrorsAndUnknownAttributes() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 40000);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 3478);
        byte[] bytes = StunMessage.builder(
                        StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_ERROR_RESPONSE, TRANSACTION)
                .address(StunAttributes.XOR_MAPPED_ADDRESS, v4)
                .address(StunAttributes.XOR_RELAYED_ADDRESS, v6)
                .address(StunAttributes.OTHER_ADDRESS, v4)
                .errorCode(420, "Unknown Attribute")
                .unknownAttributes(List.of(0x7F01, 0x0003))
                .encode(StunCredentials.shortTermKey("secret"), true);
        StunMessage message = StunMessage.decode(bytes).message();
        assertThat(message.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_ERROR_RESPONSE);
        assertThat(message.hasTransactionId(TRANSACTION)).isTrue();
        assertThat(message.address(StunAttributes.XOR_MAPPED_ADDRESS)).isEqualTo(v4);
        assertThat(message.address(StunAttributes.XOR_RELAYED_ADDRESS)).isEqualTo(v6);
        assertThat(message.address(StunAttributes.OTHER_ADDRESS)).isEqualTo(v4);
        assertThat(message.errorCode()).isEqualTo(new StunMessage.ErrorCode(420, "Unknown Attribute"));
        assertThat(message.unknownAttributes()).containsExactly(0x7F01, 0x0003);
        assertThat(message.integrity(StunCredentials.shortTermKey("secret"))).isEqualTo(StunMessage.Integrity.VALID);
        // XOR-MAPPED-ADDRESS is masked on the wire: the plain address bytes appear once, in OTHER-ADDRESS.
        assertThat(occurrences(bytes, v4.getAddress().getAddress())).isEqualTo(1);
    }

    private static int occurrences(byte[] bytes, byte[] part) {
        int count = 0;
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldListUnknownComprehensionRequiredAttributesOnly() {
        StunMessage message = StunMessage.decode(request()
                        .add(0x7F01, new byte[3])
                        .add(0xC001, new byte[1])
                        .add(StunAttributes.PRIORITY, new byte[4])
                        .add(0x7F01, new byte[0])
                        .encode(null, false))
                .message();
        assertThat(message.unknownRequired(type -> type == StunAttributes.PRIORITY))
                .containsExactly(0x7F01);
    }

    @Test
    void shouldRefuseMalformedMessagesWithTheirReason() {
        byte[] good = request().text(StunAttributes.SOFTWARE, "elara").encode(null, true);
        assertThat(reject(good)).isEqualTo(StunReject.NONE);

        byte[] flipped = good.clone();
        flipped[24] ^= 1; // a byte of SOFTWARE's value
        assertThat(reject(flipped)).isEqualTo(StunReject.FINGERPRINT_MISMATCH);

        byte[] truncated = Arrays.copyOf(good, good.length);
        truncated[22] = 0x7F; // SOFTWARE claims a long value
        assertThat(reject(truncated)).isEqualTo(StunReject.ATTRIBUTE_TRUNCATED);

        byte[] shortIntegrity =
                request().add(StunAttributes.MESSAGE_INTEGRITY, new byte[8]).encode(null, false);
        assertThat(reject(shortIntegrity)).isEqualTo(StunReject.ATTRIBUTE_LENGTH);

        byte[] afterFingerprint = request()
                .add(StunAttributes.FINGERPRINT, new byte[4])
                .add(StunAttributes.SOFTWARE, new byte[4])
                .encode(null, false);
        assertThat(reject(afterFingerprint)).isEqualTo(StunReject.AFTER_FINGERPRINT);

        StunMessage.Builder many = request();
        for (int i = 0; i <= StunMessage.ATTRIBUTES_MAX; i++) {
            many.add(StunAttributes.SOFTWARE, new byte[0]);
        }
        assertThat(reject(many.encode(null, false))).isEqualTo(StunReject.TOO_MANY_ATTRIBUTES);
        assertThat(reject(new byte[12])).isEqualTo(StunReject.TOO_SHORT);
        byte[] notStun = good.clone();
        notStun[0] = (byte) 0x80;
        assertThat(reject(notStun)).isEqualTo(StunReject.NOT_STUN);
    }

    @Test
    void shouldIgnoreAttributesAfterMessageIntegrityButFingerprint() {
        byte[] key = StunCredentials.shortTermKey("pw");
        byte[] signed = request().text(StunAttributes.USERNAME, "a:b").encode(key, false);
        // An attribute slipped in after MESSAGE-INTEGRITY is not covered by it, and is not read.
        byte[] extended = Arrays.copyOf(signed, signed.length + 8);
        extended[signed.length + 1] = 0x24; // PRIORITY
        extended[signed.length + 3] = 4;
        extended[3] = (byte) (extended[3] + 8);
        StunMessage message = StunMessage.decode(extended).message();
        assertThat(message.attribute(StunAttributes.PRIORITY)).isNull();
        assertThat(message.integrity(key)).isEqualTo(StunMessage.Integrity.VALID);
    }

    @Test
    void shouldPrepareAndRefusePasswordsAsSaslPrepSays() {
        assertThat(SaslPrep.prepare("I\u00ADX")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("user\u00A0name")).isEqualTo("user name");
        assertThat(SaslPrep.prepare("\u2168")).isEqualTo("IX");
        assertThatThrownBy(() -> SaslPrep.prepare("a\u0007b")).hasMessageContaining("U+0007");
        assertThatThrownBy(() -> SaslPrep.prepare("\u0627" + "1")).hasMessageContaining("right-to-left");
        assertThat(SaslPrep.prepare("\u0627" + "1" + "\u0628")).isEqualTo("\u06271\u0628");
    }
}
