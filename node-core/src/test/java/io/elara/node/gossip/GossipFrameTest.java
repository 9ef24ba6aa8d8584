package io.elara.node.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.EventId;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GossipFrameTest {
    private static final EventId FIRST = new EventId(0x0102030405060708L, 0x1112131415161718L);
    private static final EventId SECOND = new EventId(0x2122232425262728L, 0x3132333435363738L);
    private final GossipFrame frame = new GossipFrame();

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void shouldEncodeGossipFieldByFieldWhenRedundant() {
        byte[] encoded = GossipFrame.gossip(FIRST, new byte[] {(byte) 0xAA, (byte) 0xBB}, 3, true);
        assertThat(encoded)
                .isEqualTo(hex(
                        "01" // version
                                + "01" // type GOSSIP
                                + "01" // flags: REDUNDANT
                                + "03" // argument: 3 hops
                                + "0102030405060708 1112131415161718" // message id
                                + "AABB")); // payload
        assertThat(frame.wrap(encoded, 0, encoded.length)).isEqualTo(GossipReject.NONE);
        assertThat(frame.type()).isEqualTo(GossipFrame.TYPE_GOSSIP);
        assertThat(frame.argument()).isEqualTo(3);
        assertThat(frame.id(0)).isEqualTo(FIRST);
        assertThat(frame.payload()).containsExactly(0xAA, 0xBB);
    }

    @Test
    void shouldEncodeIhaveFieldByFieldWhenItIsADigest() {
        byte[] encoded =
                GossipFrame.ids(GossipFrame.TYPE_IHAVE, GossipFrame.FLAG_SUMMARY, new EventId[] {FIRST, SECOND}, 0, 2);
        assertThat(encoded)
                .isEqualTo(hex(
                        "01" // version
                                + "02" // type IHAVE
                                + "01" // flags: SUMMARY
                                + "02" // argument: 2 ids
                                + "0102030405060708 1112131415161718" // first id
                                + "2122232425262728 3132333435363738")); // second id
        assertThat(frame.wrap(encoded, 0, encoded.length)).isEqualTo(GossipReject.NONE);
        assertThat(frame.idCount()).isEqualTo(2);
        assertThat(frame.id(1)).isEqualTo(SECOND);
    }

    @Test
    void shouldEncodeControlFramesAsHeaderOnlyWhenTheyHaveNoBody() {
        assertThat(GossipFrame.control(GossipFrame.TYPE_PRUNE, 0)).isEqualTo(hex("01 04 00 00"));
        assertThat(GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 1)).isEqualTo(hex("01 05 00 01"));
        assertThat(GossipFrame.control(GossipFrame.TYPE_NEIGHBOR_REPLY, 0)).isEqualTo(hex("01 06 00 00"));
        assertThat(GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0)).isEqualTo(hex("01 07 00 00"));
        assertThat(GossipFrame.control(GossipFrame.TYPE_HEARTBEAT, 0)).isEqualTo(hex("01 08 00 00"));
        byte[] graft = GossipFrame.ids(GossipFrame.TYPE_GRAFT, GossipFrame.FLAG_PULL, new EventId[0], 0, 0);
        assertThat(graft).isEqualTo(hex("01 03 01 00"));
        assertThat(frame.wrap(graft, 0, graft.length)).isEqualTo(GossipReject.NONE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, GossipFrame.PAYLOAD_LENGTH_MAX - 1, GossipFrame.PAYLOAD_LENGTH_MAX})
    void shouldAcceptPayloadWhenItsLengthIsWithinTheLimit(int length) {
        byte[] encoded = GossipFrame.gossip(FIRST, new byte[length], 0, false);
        assertThat(frame.wrap(encoded, 0, encoded.length)).isEqualTo(GossipReject.NONE);
        assertThat(frame.payloadLength()).isEqualTo(length);
    }

    @Test
    void shouldRejectPayloadWhenItIsOneByteOverTheLimit() {
        byte[] encoded = GossipFrame.gossip(FIRST, new byte[GossipFrame.PAYLOAD_LENGTH_MAX], 0, false);
        byte[] longer = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, longer, 0, encoded.length);
        assertThat(frame.wrap(longer, 0, longer.length)).isEqualTo(GossipReject.GOSSIP_PAYLOAD_TOO_LONG);
    }

    @Test
    void shouldReadAtOffsetWhenTheFrameSitsInsideALargerBuffer() {
        byte[] encoded = GossipFrame.ids(GossipFrame.TYPE_GRAFT, 0, new EventId[] {SECOND}, 0, 1);
        byte[] buffer = new byte[encoded.length + 7];
        System.arraycopy(encoded, 0, buffer, 5, encoded.length);
        assertThat(frame.wrap(buffer, 5, encoded.length)).isEqualTo(GossipReject.NONE);
        assertThat(frame.id(0)).isEqualTo(SECOND);
    }

    @Test
    void shouldAcceptIdCountsFromOneToTheLimitWhenTheLengthMatches() {
        EventId[] ids = new EventId[GossipFrame.IDS_MAX];
        Arrays.fill(ids, FIRST);
        for (int count : new int[] {1, GossipFrame.IDS_MAX - 1, GossipFrame.IDS_MAX}) {
            byte[] encoded = GossipFrame.ids(GossipFrame.TYPE_IHAVE, 0, ids, 0, count);
            assertThat(frame.wrap(encoded, 0, encoded.length))
                    .as("count %d", count)
                    .isEqualTo(GossipReject.NONE);
        }
    }

    @Test
    void shouldRejectWithTheExactReasonWhenTheFrameIsMalformed() {
        assertReject("", GossipReject.GOSSIP_TOO_SHORT);
        assertReject("01", GossipReject.GOSSIP_TOO_SHORT);
        assertReject("01 04 00", GossipReject.GOSSIP_TOO_SHORT);
        assertReject("01 01 00 00 0102030405060708 11121314151617", GossipReject.GOSSIP_TOO_SHORT);
        assertReject("02 04 00 00", GossipReject.GOSSIP_VERSION);
        assertReject("00 04 00 00", GossipReject.GOSSIP_VERSION);
        assertReject("01 00 00 00", GossipReject.GOSSIP_TYPE);
        assertReject("01 09 00 00", GossipReject.GOSSIP_TYPE);
        assertReject("01 01 02 00 0102030405060708 1112131415161718", GossipReject.GOSSIP_FLAGS);
        assertReject("01 02 03 01 0102030405060708 1112131415161718", GossipReject.GOSSIP_FLAGS);
        assertReject("01 02 04 01 0102030405060708 1112131415161718", GossipReject.GOSSIP_FLAGS);
        assertReject("01 03 02 00", GossipReject.GOSSIP_FLAGS);
        assertReject("01 04 01 00", GossipReject.GOSSIP_FLAGS);
        assertReject("01 02 00 00", GossipReject.GOSSIP_COUNT);
        assertReject("01 02 02 00", GossipReject.GOSSIP_COUNT);
        assertReject("01 02 00 41" + "00".repeat(65 * 16), GossipReject.GOSSIP_COUNT);
        assertReject("01 03 00 41" + "00".repeat(65 * 16), GossipReject.GOSSIP_COUNT);
        assertReject("01 02 00 02 0102030405060708 1112131415161718", GossipReject.GOSSIP_LENGTH);
        assertReject("01 03 00 00 00", GossipReject.GOSSIP_LENGTH);
        assertReject("01 04 00 00 00", GossipReject.GOSSIP_LENGTH);
        assertReject("01 04 00 01", GossipReject.GOSSIP_ARGUMENT);
        assertReject("01 05 00 02", GossipReject.GOSSIP_ARGUMENT);
        assertReject("01 06 00 FF", GossipReject.GOSSIP_ARGUMENT);
    }

    @Test
    void shouldRejectWithoutThrowingWhenOffsetAndLengthLieOutsideTheBuffer() {
        byte[] buffer = new byte[8];
        assertThat(frame.wrap(buffer, 6, 4)).isEqualTo(GossipReject.GOSSIP_TOO_SHORT);
        assertThat(frame.wrap(buffer, -1, 4)).isEqualTo(GossipReject.GOSSIP_TOO_SHORT);
        assertThat(frame.wrap(buffer, 0, -1)).isEqualTo(GossipReject.GOSSIP_TOO_SHORT);
        assertThat(frame.wrap(null, 0, 0)).isEqualTo(GossipReject.GOSSIP_TOO_SHORT);
    }

    private void assertReject(String hexText, GossipReject expected) {
        byte[] bytes = hex(hexText);
        assertThat(frame.wrap(bytes, 0, bytes.length)).as(hexText).isEqualTo(expected);
    }
}
