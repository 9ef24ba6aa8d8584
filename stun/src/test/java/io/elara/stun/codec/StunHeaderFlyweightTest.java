package io.elara.stun.codec;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StunHeaderFlyweightTest {
    private final StunHeaderFlyweight header = new StunHeaderFlyweight();

    private static byte[] vector(String name) {
        JsonNode vectors = SharedData.json("vectors/rfc/rfc5769-stun.json").get("vectors");
        return hex(vectors.get(name).get("hex").asText());
    }

    @Test
    void shouldReadClassAndMethodWhenWrappingRfc5769Samples() {
        Map<String, Integer> expectedClass = Map.of(
                "request_short_term", StunHeaderFlyweight.CLASS_REQUEST,
                "request_long_term", StunHeaderFlyweight.CLASS_REQUEST,
                "response_ipv4", StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE,
                "response_ipv6", StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE);
        expectedClass.forEach((name, messageClass) -> {
            byte[] bytes = vector(name);
            ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
            assertThat(header.wrap(buffer, 0, bytes.length)).as(name).isEqualTo(StunReject.NONE);
            assertThat(header.messageClass()).as(name).isEqualTo(messageClass);
            assertThat(header.method()).as(name).isEqualTo(StunHeaderFlyweight.METHOD_BINDING);
            assertThat(header.messageLength()).isEqualTo(bytes.length - StunHeaderFlyweight.HEADER_LENGTH);
        });
    }

    @Test
    void shouldCopyTransactionIdWhenWrapped() {
        byte[] bytes = vector("request_short_term");
        header.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        byte[] transactionId = new byte[12];
        header.transactionId(transactionId, 0);
        // RFC 5769 section 2.1: transaction id b7 e7 a7 01 bc 34 d6 86 fa 87 df ae.
        assertThat(transactionId).isEqualTo(hex("b7e7a701bc34d686fa87dfae"));
    }

    @Test
    void shouldDecodeEveryClassWhenTypeBitsAreSet() {
        // Binding: request 0x0001, indication 0x0011, success 0x0101, error 0x0111 (RFC 8489 section 6).
        int[] types = {0x0001, 0x0011, 0x0101, 0x0111};
        for (int expectedClass = 0; expectedClass < types.length; expectedClass++) {
            ByteBuf buffer = headerOnly(types[expectedClass], 0, StunHeaderFlyweight.MAGIC_COOKIE);
            assertThat(header.wrap(buffer, 0, 20)).isEqualTo(StunReject.NONE);
            assertThat(header.messageClass()).isEqualTo(expectedClass);
            assertThat(header.method()).isEqualTo(StunHeaderFlyweight.METHOD_BINDING);
        }
        // The largest method, 0xFFF, with the request class: every method bit set, both class bits clear.
        header.wrap(headerOnly(0x3EEF, 0, StunHeaderFlyweight.MAGIC_COOKIE), 0, 20);
        assertThat(header.method()).isEqualTo(0xFFF);
        assertThat(header.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_REQUEST);
    }

    @Test
    void shouldRejectWithReasonWhenHeaderIsMalformed() {
        int magic = StunHeaderFlyweight.MAGIC_COOKIE;
        assertThat(header.wrap(headerOnly(1, 0, magic), 0, 19)).isEqualTo(StunReject.TOO_SHORT);
        assertThat(header.wrap(headerOnly(1, 0, magic), 0, 0)).isEqualTo(StunReject.TOO_SHORT);
        assertThat(header.wrap(headerOnly(0x4001, 0, magic), 0, 20)).isEqualTo(StunReject.NOT_STUN);
        assertThat(header.wrap(headerOnly(1, 0, magic + 1), 0, 20)).isEqualTo(StunReject.BAD_MAGIC_COOKIE);
        assertThat(header.wrap(headerOnly(1, 2, magic), 0, 20)).isEqualTo(StunReject.LENGTH_NOT_ALIGNED);
        assertThat(header.wrap(headerOnly(1, 4, magic), 0, 20)).isEqualTo(StunReject.LENGTH_MISMATCH);

        byte[] bytes = vector("response_ipv4");
        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
        assertThat(header.wrap(buffer, 0, bytes.length - 4)).isEqualTo(StunReject.LENGTH_MISMATCH);
        assertThat(header.wrap(buffer, 0, bytes.length - 1)).isEqualTo(StunReject.LENGTH_MISMATCH);
    }

    private static ByteBuf headerOnly(int type, int length, int magic) {
        ByteBuf buffer = Unpooled.buffer(20);
        buffer.writeShort(type).writeShort(length).writeInt(magic).writeZero(12);
        return buffer;
    }
}
