package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The voice payload: its bytes, and every refusal with its reason. */
class VoicePacketTest {
    @Test
    void shouldWriteVersionIndexAndPacketAndReadThemBack() {
        VoicePacket packet = new VoicePacket(0xFFFF_FFFEL, new byte[] {9, 8, 7});
        byte[] bytes = packet.encode();
        assertThat(bytes).containsExactly(1, 0xFF, 0xFF, 0xFF, 0xFE, 9, 8, 7);
        VoicePacket.Parsed parsed = VoicePacket.parse(bytes, 0, bytes.length);
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.packet().index()).isEqualTo(0xFFFF_FFFEL);
        assertThat(parsed.packet().opus()).containsExactly(9, 8, 7);
    }

    @Test
    void shouldCarryTheSilenceMarkerAsAHeaderWithoutOpus() {
        byte[] bytes = VoicePacket.silence(42).encode();
        assertThat(bytes).containsExactly(1, 0, 0, 0, 42);
        VoicePacket parsed = VoicePacket.parse(bytes, 0, bytes.length).packet();
        assertThat(parsed.index()).isEqualTo(42);
        assertThat(parsed.silent()).isTrue();
        assertThat(new VoicePacket(43, new byte[] {1}).silent()).isFalse();
    }

    @Test
    void shouldRefuseShortForeignAndOversizedPayloads() {
        assertThat(VoicePacket.parse(new byte[] {1, 0, 0, 1}, 0, 4).problem()).contains("at least 5 bytes");
        assertThat(VoicePacket.parse(new byte[] {2, 0, 0, 0, 1, 5}, 0, 6).problem())
                .contains("version 2");
        byte[] big = new byte[VoicePacket.HEADER_BYTES + VoiceCodec.PACKET_BYTES_MAX + 1];
        big[0] = 1;
        assertThat(VoicePacket.parse(big, 0, big.length).problem()).contains("too long");
    }
}
