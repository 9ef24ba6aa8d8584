package io.elara.crypto.aead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The sending half of a session's transport keys: seals each packet under the next counter ({@link PacketFormat}).
 * The matching {@link PacketOpener} holds the same key on the peer.
 *
 * <p>Sans-I/O: time arrives as {@code nowNs}, from the same clock as the {@code nowNs} given at creation. Runs on the
 * loop thread that owns the session; not thread-safe. Buffers are borrowed for the call only: nothing is kept, and
 * releasing pooled buffers stays the caller's duty. Heap and direct buffers both work; see {@link ChaChaPoly} for what
 * the JDK allocates per packet.
 */
public final class PacketSealer implements AutoCloseable {
    static final VarHandle COUNTER = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final ChaChaPoly cipher;
    private final long createdNs;
    private long nextCounter;
    private boolean closed;

    private PacketSealer(byte[] key, long createdNs, long firstCounter) {
        this.cipher = ChaChaPoly.forSealing(key);
        this.createdNs = createdNs;
        this.nextCounter = firstCounter;
    }

    /**
     * A sealer for a copy of the 32-byte {@code key} (the caller wipes its own), created at {@code nowNs}; its first
     * packet has counter 0.
     */
    public static PacketSealer create(byte[] key, long nowNs) {
        return new PacketSealer(key, nowNs, 0);
    }

    /** For tests of the message limits: a sealer whose first counter is {@code firstCounter}. */
    static PacketSealer createAt(byte[] key, long nowNs, long firstCounter) {
        return new PacketSealer(key, nowNs, firstCounter);
    }

    /**
     * Seals {@code plaintext} into {@code datagram} after its header. The header is {@code datagram} from
     * {@code headerOffset} to its position, and is authenticated as associated data but not encrypted. Counter,
     * ciphertext and tag are written from the position on ({@link PacketFormat#OVERHEAD} bytes more than the
     * plaintext), and the position moves past them; {@code plaintext} is consumed.
     *
     * @return {@link PacketReject#NONE}, or {@link PacketReject#KEY_EXPIRED} (nothing written, nothing consumed) when
     *     the key is past {@link KeyLimits#REJECT_AFTER_TIME_NS} or {@link KeyLimits#REJECT_AFTER_MESSAGES}, or closed
     * @throws IllegalArgumentException when the plaintext is longer than {@link PacketFormat#PLAINTEXT_LENGTH_MAX}, the
     *     datagram has no room for the sealed part, or {@code headerOffset} is not between 0 and the position
     */
    public PacketReject seal(ByteBuffer datagram, int headerOffset, ByteBuffer plaintext, long nowNs) {
        if (expired(nowNs)) {
            return PacketReject.KEY_EXPIRED;
        }
        int start = datagram.position();
        if (headerOffset < 0 || headerOffset > start) {
            throw new IllegalArgumentException("header offset " + headerOffset + " is not within 0.." + start);
        }
        int length = plaintext.remaining();
        if (length > PacketFormat.PLAINTEXT_LENGTH_MAX || datagram.remaining() < length + PacketFormat.OVERHEAD) {
            throw new IllegalArgumentException("cannot seal " + length + " bytes into " + datagram.remaining()
                    + " (at most " + PacketFormat.PLAINTEXT_LENGTH_MAX + ", plus " + PacketFormat.OVERHEAD + ")");
        }
        // The counter moves on before anything else can fail, so that no nonce is ever used twice. It is written last,
        // in case the caller's plaintext lies where it goes.
        long counter = nextCounter++;
        datagram.position(start + PacketFormat.CIPHERTEXT_OFFSET);
        cipher.seal(0, counter, datagram, headerOffset, start - headerOffset, plaintext, datagram);
        COUNTER.set(datagram, start + PacketFormat.COUNTER_OFFSET, counter);
        return PacketReject.NONE;
    }

    /** True once this key has sealed {@link KeyLimits#REKEY_AFTER_MESSAGES} packets or is {@link KeyLimits#REKEY_AFTER_TIME_NS} old. */
    public boolean rekeyWanted(long nowNs) {
        return Long.compareUnsigned(nextCounter, KeyLimits.REKEY_AFTER_MESSAGES) >= 0
                || KeyLimits.older(createdNs, nowNs, KeyLimits.REKEY_AFTER_TIME_NS);
    }

    /** True once this key seals nothing more: past its time or message limit, or closed. */
    public boolean expired(long nowNs) {
        return closed
                || !KeyLimits.counterUsable(nextCounter)
                || KeyLimits.older(createdNs, nowNs, KeyLimits.REJECT_AFTER_TIME_NS);
    }

    /** The counter the next packet gets (unsigned): how many packets this key has sealed. */
    public long nextCounter() {
        return nextCounter;
    }

    /** Wipes the key (see {@link ChaChaPoly} for where copies live); idempotent. Sealing afterwards is refused. */
    @Override
    public void close() {
        closed = true;
        cipher.close();
    }
}
