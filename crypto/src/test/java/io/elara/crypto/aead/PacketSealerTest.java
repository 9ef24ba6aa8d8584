package io.elara.crypto.aead;

import static io.elara.crypto.aead.PacketTestSupport.START_NS;
import static io.elara.crypto.aead.PacketTestSupport.jdkDatagram;
import static io.elara.crypto.aead.PacketTestSupport.randomBytes;
import static io.elara.crypto.aead.PacketTestSupport.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketSealerTest {
    private final Random random = new Random(8439);
    private final byte[] key = randomBytes(random, PacketFormat.KEY_LENGTH);
    private final byte[] header = {(byte) 0xE1, 0, 0, 0, 42};

    @ParameterizedTest(name = "direct buffers: {0}")
    @ValueSource(booleans = {false, true})
    void shouldWriteTheCounterThenWhatTheJdkCipherSealsWhenSealing(boolean direct) throws Exception {
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            for (long counter = 0; counter < 3; counter++) {
                byte[] plaintext = randomBytes(random, 100);
                byte[] datagram = seal(sealer, header, plaintext, START_NS, direct);

                // header (5) | counter (8, big-endian) | ciphertext (100) | tag (16)
                assertThat(datagram).hasSize(header.length + PacketFormat.OVERHEAD + plaintext.length);
                assertThat(Arrays.copyOf(datagram, header.length)).isEqualTo(header);
                assertThat(ByteBuffer.wrap(datagram, header.length, 8).getLong())
                        .isEqualTo(counter);
                assertThat(datagram).isEqualTo(jdkDatagram(key, counter, header, plaintext));
            }
            assertThat(sealer.nextCounter()).isEqualTo(3);
        }
    }

    @Test
    void shouldSealTheSameBytesWhenPlaintextAndDatagramShareAnArray() throws Exception {
        // The plaintext sits where the ciphertext goes, and also shifted by a few bytes either way: the sealer must
        // not read bytes it has already overwritten.
        for (int shift : new int[] {0, 1, 7, 8, 9, 24, -1, -5}) {
            byte[] plaintext = randomBytes(random, 300);
            byte[] array = new byte[header.length + PacketFormat.OVERHEAD + plaintext.length + 16];
            System.arraycopy(header, 0, array, 0, header.length);
            int plaintextOffset = header.length + PacketFormat.CIPHERTEXT_OFFSET + shift;
            System.arraycopy(plaintext, 0, array, plaintextOffset, plaintext.length);
            ByteBuffer datagram = ByteBuffer.wrap(array, 0, header.length + PacketFormat.OVERHEAD + plaintext.length);
            datagram.position(header.length);
            ByteBuffer source =
                    ByteBuffer.wrap(array, plaintextOffset, plaintext.length).slice();

            try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
                assertThat(sealer.seal(datagram, 0, source, START_NS)).isEqualTo(PacketReject.NONE);
            }
            assertThat(Arrays.copyOf(array, datagram.position()))
                    .as("shift %d", shift)
                    .isEqualTo(jdkDatagram(key, 0, header, plaintext));
        }
    }

    @Test
    void shouldSealFromReadOnlyAndOffsetBuffersWhenTheyHaveNoAccessibleArray() throws Exception {
        byte[] plaintext = randomBytes(random, 64);
        ByteBuffer source = ByteBuffer.wrap(plaintext).asReadOnlyBuffer();
        ByteBuffer datagram = ByteBuffer.allocate(100 + header.length + PacketFormat.OVERHEAD + plaintext.length);
        datagram.position(100).put(header);
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            assertThat(sealer.seal(datagram, 100, source, START_NS)).isEqualTo(PacketReject.NONE);
        }
        assertThat(source.hasRemaining()).isFalse();
        assertThat(Arrays.copyOfRange(datagram.array(), 100, datagram.position()))
                .isEqualTo(jdkDatagram(key, 0, header, plaintext));
    }

    @Test
    void shouldSealAnEmptyPlaintextAndAnEmptyHeaderWhenGivenNone() throws Exception {
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            byte[] datagram = seal(sealer, new byte[0], new byte[0], START_NS, false);
            assertThat(datagram)
                    .hasSize(PacketFormat.OVERHEAD)
                    .isEqualTo(jdkDatagram(key, 0, new byte[0], new byte[0]));
        }
    }

    @Test
    void shouldSealTheLongestPlaintextWhenItFitsOnePacket() throws Exception {
        byte[] plaintext = randomBytes(random, PacketFormat.PLAINTEXT_LENGTH_MAX);
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            assertThat(seal(sealer, header, plaintext, START_NS, true))
                    .isEqualTo(jdkDatagram(key, 0, header, plaintext));
            assertThatThrownBy(() ->
                            seal(sealer, header, new byte[PacketFormat.PLAINTEXT_LENGTH_MAX + 1], START_NS, false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldThrowAndUseNoCounterWhenTheDatagramHasNoRoom() {
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            ByteBuffer datagram = ByteBuffer.allocate(header.length + PacketFormat.OVERHEAD + 9)
                    .put(header);
            assertThatThrownBy(() -> sealer.seal(datagram, 0, ByteBuffer.allocate(10), START_NS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sealer.seal(datagram, header.length + 1, ByteBuffer.allocate(1), START_NS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(sealer.nextCounter()).isZero();
            assertThat(datagram.position()).isEqualTo(header.length);
        }
    }

    @Test
    void shouldRefuseToSealWhenTheKeyReachesTheRejectTime() {
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            long lastNs = START_NS + KeyLimits.REJECT_AFTER_TIME_NS - 1;
            assertThat(sealer.expired(lastNs)).isFalse();
            seal(sealer, header, new byte[10], lastNs, false);

            long expiredNs = START_NS + KeyLimits.REJECT_AFTER_TIME_NS;
            ByteBuffer datagram = ByteBuffer.allocate(64).put(header);
            ByteBuffer plaintext = ByteBuffer.allocate(10);
            assertThat(sealer.seal(datagram, 0, plaintext, expiredNs)).isEqualTo(PacketReject.KEY_EXPIRED);
            assertThat(sealer.expired(expiredNs)).isTrue();
            assertThat(datagram.position()).isEqualTo(header.length);
            assertThat(plaintext.remaining()).isEqualTo(10);
            assertThat(sealer.nextCounter()).isEqualTo(1);
        }
    }

    @Test
    void shouldWantARekeyWhenTheKeyIs120SecondsOld() {
        try (PacketSealer sealer = PacketSealer.create(key, START_NS)) {
            assertThat(sealer.rekeyWanted(START_NS + KeyLimits.REKEY_AFTER_TIME_NS - 1))
                    .isFalse();
            assertThat(sealer.rekeyWanted(START_NS + KeyLimits.REKEY_AFTER_TIME_NS))
                    .isTrue();
            assertThat(sealer.expired(START_NS + KeyLimits.REKEY_AFTER_TIME_NS)).isFalse();
        }
    }

    @Test
    void shouldMeasureAgeAcrossAWrapWhenTheClockIsNanoTimeLike() {
        long createdNs = Long.MAX_VALUE - 1_000;
        try (PacketSealer sealer = PacketSealer.create(key, createdNs)) {
            long laterNs = createdNs + 10_000; // wraps to a negative value
            assertThat(laterNs).isNegative();
            assertThat(sealer.expired(laterNs)).isFalse();
            assertThat(sealer.rekeyWanted(laterNs)).isFalse();
            assertThat(sealer.expired(createdNs + KeyLimits.REJECT_AFTER_TIME_NS))
                    .isTrue();
        }
    }

    @Test
    void shouldWantARekeyWhenTwoToTheSixtyPacketsWereSealed() {
        try (PacketSealer sealer = PacketSealer.createAt(key, START_NS, KeyLimits.REKEY_AFTER_MESSAGES - 1)) {
            assertThat(sealer.rekeyWanted(START_NS)).isFalse();
            seal(sealer, header, new byte[1], START_NS, false);
            assertThat(sealer.rekeyWanted(START_NS)).isTrue();
            assertThat(sealer.expired(START_NS)).isFalse();
        }
    }

    @Test
    void shouldRefuseToSealWhenTheCounterReachesTheMessageLimit() throws Exception {
        long last = KeyLimits.REJECT_AFTER_MESSAGES - 1;
        try (PacketSealer sealer = PacketSealer.createAt(key, START_NS, last)) {
            byte[] plaintext = randomBytes(random, 20);
            assertThat(seal(sealer, header, plaintext, START_NS, false))
                    .isEqualTo(jdkDatagram(key, last, header, plaintext));
            assertThat(sealer.expired(START_NS)).isTrue();
            assertThat(sealer.seal(ByteBuffer.allocate(100), 0, ByteBuffer.allocate(1), START_NS))
                    .isEqualTo(PacketReject.KEY_EXPIRED);
            assertThat(Long.toUnsignedString(sealer.nextCounter())).isEqualTo("18446744073709543424"); // 2^64 - 2^13
        }
    }

    @Test
    void shouldRefuseToSealWhenClosed() {
        PacketSealer sealer = PacketSealer.create(key, START_NS);
        sealer.close();
        sealer.close();
        assertThat(sealer.expired(START_NS)).isTrue();
        assertThat(sealer.seal(ByteBuffer.allocate(100), 0, ByteBuffer.allocate(1), START_NS))
                .isEqualTo(PacketReject.KEY_EXPIRED);
    }

    @Test
    void shouldKeepItsOwnCopyWhenTheCallerWipesTheKey() throws Exception {
        byte[] callerCopy = key.clone();
        try (PacketSealer sealer = PacketSealer.create(callerCopy, START_NS)) {
            Arrays.fill(callerCopy, (byte) 0);
            byte[] plaintext = randomBytes(random, 5);
            assertThat(seal(sealer, header, plaintext, START_NS, false))
                    .isEqualTo(jdkDatagram(key, 0, header, plaintext));
        }
        assertThatThrownBy(() -> PacketSealer.create(new byte[31], START_NS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
