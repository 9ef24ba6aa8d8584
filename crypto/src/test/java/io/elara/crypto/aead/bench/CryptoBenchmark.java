package io.elara.crypto.aead.bench;

import io.elara.crypto.aead.LowOrderPointException;
import io.elara.crypto.aead.PacketFormat;
import io.elara.crypto.aead.PacketOpener;
import io.elara.crypto.aead.PacketReject;
import io.elara.crypto.aead.PacketSealer;
import io.elara.crypto.aead.X25519Keys;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The crypto costs a session pays: sealing and opening one transport packet (heap and direct buffers, 64 and 1,200
 * bytes of plaintext), opening a forgery, the raw JDK cipher for comparison, Ed25519 signing and verifying (Bouncy
 * Castle, through {@link Identity}) and one X25519 agreement. Run with {@code -prof gc} for the bytes allocated per
 * operation ({@code gc.alloc.rate.norm}).
 *
 * <pre>./mvnw -Pbench -pl crypto -am -Dspotless.check.skip test-compile exec:exec -Djmh.args="CryptoBenchmark -prof gc"</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBenchmark {
    private static final long NOW_NS = 1_000_000_000L;
    private static final int HEADER_LENGTH = 5;

    /** One session direction: a sealer and the peer's opener on the same key, and the buffers a driver would own. */
    @State(Scope.Thread)
    public static class PacketState {
        @Param({"64", "1200"})
        int plaintextBytes;

        @Param({"heap", "direct"})
        String buffers;

        PacketSealer sealer;
        PacketOpener opener;
        ByteBuffer plaintext;
        ByteBuffer datagram;
        ByteBuffer opened;
        ByteBuffer forged;
        long forgedCounter;

        @Setup(Level.Trial)
        public void setUp() {
            Random random = new Random(1);
            byte[] key = new byte[PacketFormat.KEY_LENGTH];
            random.nextBytes(key);
            sealer = PacketSealer.create(key, NOW_NS);
            opener = PacketOpener.create(key, NOW_NS);
            boolean direct = buffers.equals("direct");
            byte[] bytes = new byte[plaintextBytes];
            random.nextBytes(bytes);
            int datagramLength = HEADER_LENGTH + PacketFormat.OVERHEAD + plaintextBytes;
            plaintext = allocate(plaintextBytes, direct).put(bytes);
            datagram = allocate(datagramLength, direct);
            opened = allocate(plaintextBytes, direct);
            byte[] garbage = new byte[datagramLength];
            random.nextBytes(garbage);
            forged = allocate(datagramLength, direct).put(garbage);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sealer.close();
            opener.close();
        }

        private static ByteBuffer allocate(int length, boolean direct) {
            return direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        }
    }

    /** Seals one packet and opens it on the other side, as one datagram's trip costs both peers together. */
    @Benchmark
    public PacketReject sealAndOpen(PacketState state) {
        ByteBuffer datagram = state.datagram.clear();
        datagram.put(0, (byte) 0xE1).position(HEADER_LENGTH);
        state.sealer.seal(datagram, 0, state.plaintext.clear(), NOW_NS);
        datagram.flip().position(HEADER_LENGTH);
        PacketReject reject = state.opener.open(datagram, 0, state.opened.clear(), NOW_NS);
        if (reject != PacketReject.NONE) {
            throw new IllegalStateException("a sealed packet did not open: " + reject);
        }
        return reject;
    }

    /** A forgery with a new counter each time: passes the replay window, fails the tag (an exception in the JDK). */
    @Benchmark
    public PacketReject openForgery(PacketState state) {
        ByteBuffer forged = state.forged.clear();
        forged.putLong(HEADER_LENGTH, ++state.forgedCounter).position(HEADER_LENGTH);
        PacketReject reject = state.opener.open(forged, 0, state.opened.clear(), NOW_NS);
        if (reject != PacketReject.BAD_TAG) {
            throw new IllegalStateException("a forgery was not refused by its tag: " + reject);
        }
        return reject;
    }

    /** The JDK cipher used the plain way (byte arrays in and out, new arrays each time), for comparison. */
    @State(Scope.Thread)
    public static class RawJdkState {
        @Param({"64", "1200"})
        int plaintextBytes;

        Cipher sealing;
        Cipher opening;
        SecretKeySpec key;
        byte[] header = new byte[HEADER_LENGTH];
        byte[] plaintext;
        byte[] nonce = new byte[12];
        long counter;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            Random random = new Random(2);
            byte[] keyBytes = new byte[PacketFormat.KEY_LENGTH];
            random.nextBytes(keyBytes);
            key = new SecretKeySpec(keyBytes, "ChaCha20");
            plaintext = new byte[plaintextBytes];
            random.nextBytes(plaintext);
            sealing = Cipher.getInstance("ChaCha20-Poly1305");
            opening = Cipher.getInstance("ChaCha20-Poly1305");
        }
    }

    @Benchmark
    public byte[] rawJdkSealAndOpen(RawJdkState state) throws GeneralSecurityException {
        long counter = ++state.counter;
        for (int i = 0; i < 8; i++) {
            state.nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        IvParameterSpec nonce = new IvParameterSpec(state.nonce);
        state.sealing.init(Cipher.ENCRYPT_MODE, state.key, nonce);
        state.sealing.updateAAD(state.header);
        byte[] sealed = state.sealing.doFinal(state.plaintext);
        state.opening.init(Cipher.DECRYPT_MODE, state.key, nonce);
        state.opening.updateAAD(state.header);
        return state.opening.doFinal(sealed);
    }

    /** Long-term keys and a message the size of a text event. */
    @State(Scope.Thread)
    public static class KeyState {
        Identity identity;
        NodeId nodeId;
        byte[] message = new byte[200];
        byte[] signature;
        byte[] privateKey;
        byte[] peerPublicKey;

        @Setup(Level.Trial)
        public void setUp() {
            Random random = new Random(3);
            byte[] seed = new byte[Identity.SEED_LENGTH];
            random.nextBytes(seed);
            identity = Identity.fromSeed(seed);
            nodeId = identity.nodeId();
            random.nextBytes(message);
            signature = identity.sign(message);
            privateKey = new byte[X25519Keys.KEY_LENGTH];
            random.nextBytes(privateKey);
            byte[] peerPrivateKey = new byte[X25519Keys.KEY_LENGTH];
            random.nextBytes(peerPrivateKey);
            peerPublicKey = X25519Keys.publicKey(peerPrivateKey);
        }
    }

    @Benchmark
    public byte[] ed25519Sign(KeyState state) {
        return state.identity.sign(state.message);
    }

    @Benchmark
    public boolean ed25519Verify(KeyState state) {
        return Identity.verify(state.nodeId, state.message, state.signature);
    }

    @Benchmark
    public byte[] x25519Agree(KeyState state) throws LowOrderPointException {
        return X25519Keys.agree(state.privateKey, state.peerPublicKey);
    }
}
