package io.elara.crypto.aead;

import static io.elara.crypto.aead.PacketTestSupport.START_NS;
import static io.elara.crypto.aead.PacketTestSupport.jdkDatagram;
import static io.elara.crypto.aead.PacketTestSupport.open;
import static io.elara.crypto.aead.PacketTestSupport.randomBytes;
import static io.elara.crypto.aead.PacketTestSupport.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.aead.PacketTestSupport.Opened;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketOpenerTest {
    private final Random random = new Random(6479);
    private final byte[] key = randomBytes(random, PacketFormat.KEY_LENGTH);
    private final byte[] header = {(byte) 0xE1, 0, 0, 0, 42};
    private final PacketSealer sealer = PacketSealer.create(key, START_NS);
    private final PacketOpener opener = PacketOpener.create(key, START_NS);

    @AfterEach
    void closeKeys() {
        sealer.close();
        opener.close();
    }

    @ParameterizedTest(name = "direct buffers: {0}")
    @ValueSource(booleans = {false, true})
    void shouldOpenWhatThePeerSealedWhenSizesSpanEveryBoundary(boolean direct) {
        int[] lengths = {0, 1, 15, 16, 17, 63, 64, 65, 1_176, 1_200, 2_048, 2_049, PacketFormat.PLAINTEXT_LENGTH_MAX};
        for (int length : lengths) {
            byte[] plaintext = randomBytes(random, length);
            byte[] datagram = seal(sealer, header, plaintext, START_NS, direct);

            Opened opened = open(opener, datagram, header.length, START_NS, direct);

            assertThat(opened.reject()).as("length %d", length).isEqualTo(PacketReject.NONE);
            assertThat(opened.plaintext()).as("length %d", length).isEqualTo(plaintext);
        }
        assertThat(opener.highestCounter()).isEqualTo(lengths.length - 1);
    }

    @Test
    void shouldOpenWhenTheHeaderIsEmptyOrStartsLaterInTheBuffer() {
        byte[] plaintext = randomBytes(random, 30);
        byte[] bare = seal(sealer, new byte[0], plaintext, START_NS, false);
        assertThat(open(opener, bare, 0, START_NS, false).plaintext()).isEqualTo(plaintext);

        // 7 bytes before the header belong to someone else and are not authenticated.
        byte[] sealed = seal(sealer, header, plaintext, START_NS, false);
        ByteBuffer buffer = ByteBuffer.allocate(7 + sealed.length);
        buffer.put(randomBytes(random, 7)).put(sealed).position(7 + header.length);
        ByteBuffer out = ByteBuffer.allocate(100);
        assertThat(opener.open(buffer, 7, out, START_NS)).isEqualTo(PacketReject.NONE);
        assertThat(Arrays.copyOf(out.array(), out.position())).isEqualTo(plaintext);
    }

    @Test
    void shouldRejectAsBadTagWhenAnySingleBitIsFlipped() {
        byte[] plaintext = randomBytes(random, 64);
        byte[] datagram = seal(sealer, header, plaintext, START_NS, false);
        int bits = datagram.length * 8;
        for (int bit = 0; bit < bits; bit++) {
            byte[] damaged = datagram.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            // A flip in the counter makes a new counter, which the tag then refuses like any other flip.
            assertThat(open(opener, damaged, header.length, START_NS, bit % 2 == 0)
                            .reject())
                    .as("bit %d of %d", bit, bits)
                    .isEqualTo(PacketReject.BAD_TAG);
        }
        // None of the forgeries used up the counter.
        assertThat(open(opener, datagram, header.length, START_NS, false).plaintext())
                .isEqualTo(plaintext);
    }

    @Test
    void shouldRejectAsTruncatedOrBadTagWhenBytesAreCutFromTheEnd() {
        byte[] datagram = seal(sealer, header, randomBytes(random, 40), START_NS, false);
        for (int cut = 1; cut <= datagram.length - header.length; cut++) {
            byte[] shorter = Arrays.copyOf(datagram, datagram.length - cut);
            int sealedLength = shorter.length - header.length;
            PacketReject expected =
                    sealedLength < PacketFormat.OVERHEAD ? PacketReject.TRUNCATED : PacketReject.BAD_TAG;
            assertThat(open(opener, shorter, header.length, START_NS, false).reject())
                    .as("cut %d", cut)
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldRejectAsTruncatedWhenShorterThanCounterAndTag() {
        for (int length = 0; length < PacketFormat.OVERHEAD; length++) {
            byte[] datagram = new byte[header.length + length];
            assertThat(open(opener, datagram, header.length, START_NS, true).reject())
                    .as("%d bytes after the header", length)
                    .isEqualTo(PacketReject.TRUNCATED);
        }
        assertThat(open(opener, new byte[header.length + PacketFormat.OVERHEAD], header.length, START_NS, true)
                        .reject())
                .as("exactly counter and tag, all zero")
                .isEqualTo(PacketReject.BAD_TAG);
    }

    @Test
    void shouldRejectAsTooLongWhenLongerThanAPacketOrThanThePlaintextRoom() {
        byte[] tooLong = new byte[header.length + PacketFormat.SEALED_LENGTH_MAX + 1];
        assertThat(open(opener, tooLong, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.TOO_LONG);

        byte[] datagram = seal(sealer, header, randomBytes(random, 100), START_NS, false);
        ByteBuffer buffer = ByteBuffer.wrap(datagram).position(header.length);
        ByteBuffer small = ByteBuffer.allocate(99);
        assertThat(opener.open(buffer, 0, small, START_NS)).isEqualTo(PacketReject.TOO_LONG);
        assertThat(opener.open(buffer, 0, ByteBuffer.allocate(100), START_NS)).isEqualTo(PacketReject.NONE);
    }

    @Test
    void shouldRejectAsReplayedWhenTheSamePacketArrivesTwice() {
        byte[] datagram = seal(sealer, header, randomBytes(random, 10), START_NS, false);
        assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.NONE);
        assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.TOO_OLD_OR_REPLAYED);
        assertThat(open(opener, datagram, header.length, START_NS, true).reject())
                .isEqualTo(PacketReject.TOO_OLD_OR_REPLAYED);
    }

    @Test
    void shouldRejectAsTooOldWhenThePacketFellBehindTheWindow() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i <= ReplayWindow.WINDOW_SIZE; i++) {
            datagrams.add(seal(sealer, header, new byte[] {(byte) i}, START_NS, false));
        }
        byte[] newest = datagrams.get(ReplayWindow.WINDOW_SIZE);
        assertThat(open(opener, newest, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.NONE);

        assertThat(open(opener, datagrams.get(0), header.length, START_NS, false)
                        .reject())
                .as("exactly WINDOW_SIZE behind")
                .isEqualTo(PacketReject.TOO_OLD_OR_REPLAYED);
        assertThat(open(opener, datagrams.get(1), header.length, START_NS, false)
                        .reject())
                .as("WINDOW_SIZE - 1 behind")
                .isEqualTo(PacketReject.NONE);
    }

    @Test
    void shouldOpenEveryPacketOnceWhenTheyArriveShuffledInsideTheWindow() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            datagrams.add(seal(sealer, header, randomBytes(random, 1 + random.nextInt(50)), START_NS, false));
        }
        Collections.shuffle(datagrams, random);
        for (byte[] datagram : datagrams) {
            assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                    .isEqualTo(PacketReject.NONE);
        }
        for (byte[] datagram : datagrams) {
            assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                    .isEqualTo(PacketReject.TOO_OLD_OR_REPLAYED);
        }
    }

    @Test
    void shouldRejectAsBadTagWhenSealedWithAnotherKeyOrHeader() throws Exception {
        byte[] plaintext = randomBytes(random, 33);
        byte[] otherKey = key.clone();
        otherKey[31] ^= 1;
        try (PacketSealer other = PacketSealer.create(otherKey, START_NS)) {
            byte[] datagram = seal(other, header, plaintext, START_NS, false);
            assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                    .isEqualTo(PacketReject.BAD_TAG);
        }
        byte[] datagram = seal(sealer, header, plaintext, START_NS, false);
        // The same bytes read with a one-byte-shorter header: the header is authenticated, length included.
        assertThat(open(opener, Arrays.copyOfRange(datagram, 1, datagram.length), header.length - 1, START_NS, false)
                        .reject())
                .isEqualTo(PacketReject.BAD_TAG);
        assertThat(open(opener, datagram, header.length, START_NS, false).plaintext())
                .isEqualTo(plaintext);
        assertThat(jdkDatagram(key, 1, header, plaintext)).isNotEqualTo(datagram);
    }

    @Test
    void shouldOpenTheGenuinePacketWhenForgeriesWithItsCounterCameFirst() {
        // JDK 17 refuses to initialise its cipher twice in a row with the same nonce, even to decrypt. A forgery
        // carrying the next counter must not lock out the genuine packet with that counter.
        byte[] plaintext = randomBytes(random, 20);
        byte[] datagram = seal(sealer, header, plaintext, START_NS, false);
        byte[] forged = datagram.clone();
        forged[forged.length - 1] ^= 1;
        assertThat(open(opener, forged, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.BAD_TAG);
        assertThat(open(opener, forged, header.length, START_NS, true).reject()).isEqualTo(PacketReject.BAD_TAG);
        assertThat(open(opener, datagram, header.length, START_NS, false).plaintext())
                .isEqualTo(plaintext);
    }

    @Test
    void shouldRejectAsCounterLimitWhenTheCounterIsPastTheMessageLimitEvenWithAValidTag() throws Exception {
        byte[] plaintext = randomBytes(random, 8);
        long last = KeyLimits.REJECT_AFTER_MESSAGES - 1;
        byte[] lastGood = jdkDatagram(key, last, header, plaintext);
        assertThat(open(opener, lastGood, header.length, START_NS, false).plaintext())
                .isEqualTo(plaintext);
        for (long counter : new long[] {KeyLimits.REJECT_AFTER_MESSAGES, -2L, -1L}) {
            byte[] datagram = jdkDatagram(key, counter, header, plaintext);
            assertThat(open(opener, datagram, header.length, START_NS, false).reject())
                    .as("counter %s", Long.toUnsignedString(counter))
                    .isEqualTo(PacketReject.COUNTER_LIMIT);
        }
    }

    @Test
    void shouldRejectAsKeyExpiredWhenTheKeyReachesTheRejectTimeOrIsClosed() {
        byte[] first = seal(sealer, header, randomBytes(random, 8), START_NS, false);
        byte[] second = seal(sealer, header, randomBytes(random, 8), START_NS, false);
        long lastNs = START_NS + KeyLimits.REJECT_AFTER_TIME_NS - 1;
        assertThat(open(opener, first, header.length, lastNs, false).reject()).isEqualTo(PacketReject.NONE);
        assertThat(open(opener, second, header.length, lastNs + 1, false).reject())
                .isEqualTo(PacketReject.KEY_EXPIRED);
        assertThat(opener.expired(lastNs + 1)).isTrue();

        PacketOpener closed = PacketOpener.create(key, START_NS);
        closed.close();
        assertThat(open(closed, second, header.length, START_NS, false).reject())
                .isEqualTo(PacketReject.KEY_EXPIRED);
    }

    @Test
    void shouldNeverThrowNorOpenWhenFedRandomDatagrams() {
        Map<PacketReject, Integer> counts = new EnumMap<>(PacketReject.class);
        for (int i = 0; i < 20_000; i++) {
            byte[] datagram = randomBytes(random, random.nextInt(120));
            int headerLength = Math.min(datagram.length, random.nextInt(header.length + 1));
            if (datagram.length >= headerLength + PacketFormat.COUNTER_LENGTH && i % 3 > 0) {
                // Counters at the top, and small ones, so that the message limit and the tag are reached too.
                Arrays.fill(datagram, headerLength, headerLength + 7, i % 3 == 1 ? (byte) -1 : 0);
            }
            PacketReject reject =
                    open(opener, datagram, headerLength, START_NS, i % 2 == 0).reject();
            counts.merge(reject, 1, Integer::sum);
        }
        assertThat(counts)
                .doesNotContainKey(PacketReject.NONE)
                .containsKeys(PacketReject.TRUNCATED, PacketReject.BAD_TAG, PacketReject.COUNTER_LIMIT);
    }

    @Test
    void shouldThrowWhenTheCallerGivesAHeaderOffsetPastThePosition() {
        ByteBuffer datagram = ByteBuffer.allocate(40).position(5);
        assertThatThrownBy(() -> opener.open(datagram, 6, ByteBuffer.allocate(40), START_NS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> opener.open(datagram, -1, ByteBuffer.allocate(40), START_NS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDescribeEveryRejectWithADistinctLabel() {
        assertThat(Arrays.stream(PacketReject.values()).map(PacketReject::label).distinct())
                .hasSize(PacketReject.values().length);
        assertThat(Arrays.stream(PacketReject.values()).map(PacketReject::description))
                .doesNotContain("");
    }
}
