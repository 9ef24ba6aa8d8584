package io.elara.crypto.noise;

import io.elara.crypto.aead.LowOrderPointException;
import io.elara.crypto.aead.X25519Keys;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A Noise HandshakeState (spec revision 34, section 5.3) for pattern XX only, as a sans-I/O state machine:
 *
 * <pre>
 *  XX:
 *    -&gt; e
 *    &lt;- e, ee, s, es
 *    -&gt; s, se
 * </pre>
 *
 * The initiator calls {@link #writeMessage}, {@link #readMessage}, {@link #writeMessage}; the responder the mirror
 * image. After the third message {@link #isComplete()} is true and {@link #split()} hands over the transport cipher
 * states. Framing the messages (a length or type byte) is the transport's business; a message here is at most 65,535
 * bytes.
 *
 * <p>Every failure is a one-line {@link NoiseException}. A failure while processing a message (wrong length, bad tag,
 * low-order public key) abandons the handshake: the state is wiped and every later call fails, since the hash and
 * chaining key already absorbed the bad message. A call out of order or an oversized payload changes nothing.
 *
 * <p>X25519 is Bouncy Castle's ({@code org.bouncycastle.math.ec.rfc7748.X25519}); a DH output of all zeros, which any
 * low-order public key produces, is refused. The responder computes {@code ee} while reading message 1, so that a
 * low-order ephemeral is refused before anything is built for that peer.
 *
 * <p>Not thread-safe: one owner, the node's loop thread. Private keys, the chaining key and the handshake cipher key
 * are wiped when the handshake completes, fails or is {@linkplain #close() closed}.
 */
public final class HandshakeState implements AutoCloseable {
    /** Length of an X25519 public key (DHLEN), in bytes. */
    public static final int PUBLIC_KEY_LENGTH = X25519.POINT_SIZE;
    /** Length of an X25519 private key, in bytes. Any 32 bytes will do: X25519 clamps them. */
    public static final int PRIVATE_KEY_LENGTH = X25519.SCALAR_SIZE;
    /** The largest Noise message, in bytes (spec section 3). */
    public static final int MESSAGE_LENGTH_MAX = CipherState.MESSAGE_LENGTH_MAX;

    private static final int ENCRYPTED_KEY_LENGTH = PUBLIC_KEY_LENGTH + CipherState.TAG_LENGTH;
    /** Fixed part of each message: message 1 is {@code e}; 2 is {@code e, enc(s)} and a tag; 3 is {@code enc(s)}, tag. */
    private static final int[] OVERHEAD = {
        PUBLIC_KEY_LENGTH,
        PUBLIC_KEY_LENGTH + ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH,
        ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH
    };

    private static final int MESSAGE_COUNT = 3;

    private final Role role;
    private final SymmetricState symmetric;
    private final byte[] localStaticPrivate;
    private final byte[] localStaticPublic = new byte[PUBLIC_KEY_LENGTH];
    private final byte[] localEphemeralPrivate;
    private final byte[] localEphemeralPublic = new byte[PUBLIC_KEY_LENGTH];
    private byte[] remoteEphemeralPublic;
    private byte[] remoteStaticPublic;
    /** The responder's {@code ee}, computed while reading message 1 and mixed in when writing message 2. */
    private byte[] pendingEe;
    /** The next message, 0 to 2; {@link #MESSAGE_COUNT} once complete. */
    private int messageIndex;

    private boolean failed;
    private boolean closed;
    private byte[] handshakeHash;
    private CipherStatePair transport;
    private boolean splitTaken;

    private HandshakeState(
            Role role, NoiseSuite suite, byte[] prologue, byte[] staticPrivateKey, byte[] ephemeralPrivateKey) {
        checkPrivateKey(staticPrivateKey, "static");
        checkPrivateKey(ephemeralPrivateKey, "ephemeral");
        this.role = role;
        this.symmetric = new SymmetricState(suite);
        this.localStaticPrivate = staticPrivateKey.clone();
        this.localEphemeralPrivate = ephemeralPrivateKey.clone();
        X25519.generatePublicKey(localStaticPrivate, 0, localStaticPublic, 0);
        X25519.generatePublicKey(localEphemeralPrivate, 0, localEphemeralPublic, 0);
        // XX has no pre-messages, so the prologue is all that is mixed in before message 1 (section 5.3, Initialize).
        symmetric.mixHash(prologue);
    }

    /**
     * The initiator's state. {@code prologue} must equal the responder's (both sides bind it into the handshake hash);
     * {@code staticPrivateKey} (copied) is this node's X25519 key; the ephemeral key comes from {@code random}.
     */
    public static HandshakeState initiator(
            NoiseSuite suite, byte[] prologue, byte[] staticPrivateKey, SecureRandom random) {
        return new HandshakeState(Role.INITIATOR, suite, prologue, staticPrivateKey, generatePrivateKey(random));
    }

    /** The responder's state; the arguments are as for {@link #initiator}. */
    public static HandshakeState responder(
            NoiseSuite suite, byte[] prologue, byte[] staticPrivateKey, SecureRandom random) {
        return new HandshakeState(Role.RESPONDER, suite, prologue, staticPrivateKey, generatePrivateKey(random));
    }

    /** A state with a fixed ephemeral key, for known-answer tests only: reusing an ephemeral key breaks secrecy. */
    static HandshakeState withFixedEphemeral(
            Role role, NoiseSuite suite, byte[] prologue, byte[] staticPrivateKey, byte[] ephemeralPrivateKey) {
        return new HandshakeState(role, suite, prologue, staticPrivateKey, ephemeralPrivateKey);
    }

    /** A new X25519 private key (clamped) from {@code random}; the caller wipes it when done. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        return X25519Keys.generatePrivateKey(random);
    }

    /** The X25519 public key of {@code privateKey}. */
    public static byte[] publicKey(byte[] privateKey) {
        checkPrivateKey(privateKey, "static");
        return X25519Keys.publicKey(privateKey);
    }

    public Role role() {
        return role;
    }

    /** True once all three messages are written or read and the transport cipher states are ready. */
    public boolean isComplete() {
        return messageIndex == MESSAGE_COUNT && !failed;
    }

    /** True when the next call is {@link #writeMessage}, false when it is {@link #readMessage} or there is none. */
    public boolean isWriteNext() {
        return messageIndex < MESSAGE_COUNT && writes(messageIndex);
    }

    /**
     * WriteMessage: the next handshake message, carrying {@code payload} (in clear in message 1, encrypted in 2 and 3).
     * Payloads of message 1 are not authenticated and reveal nothing about this node's identity only if empty.
     *
     * @throws NoiseException when it is not this side's turn to write, the payload does not fit, the state is closed
     *     or failed, or (responder) the initiator's ephemeral key was low-order
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        checkTurn(true);
        int payloadMax = payloadLengthMax(messageIndex);
        if (payload.length > payloadMax) {
            throw new NoiseException(String.format(
                    Locale.ROOT,
                    "payload of %d bytes does not fit handshake message %d (at most %d bytes)",
                    payload.length,
                    messageIndex + 1,
                    payloadMax));
        }
        try {
            byte[] message = switch (messageIndex) {
                case 0 -> writeMessage1(payload);
                case 1 -> writeMessage2(payload);
                default -> writeMessage3(payload);
            };
            advance();
            return message;
        } catch (NoiseException | RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /**
     * ReadMessage: processes the peer's next handshake message and returns its payload.
     *
     * @throws NoiseException when it is not this side's turn to read, or the message has the wrong length, fails
     *     authentication or carries a low-order public key; in the latter cases the handshake is abandoned
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        checkTurn(false);
        try {
            if (message.length > MESSAGE_LENGTH_MAX) {
                throw new NoiseException(String.format(
                        Locale.ROOT,
                        "handshake message %d of %d bytes exceeds the Noise maximum of %d bytes",
                        messageIndex + 1,
                        message.length,
                        MESSAGE_LENGTH_MAX));
            }
            if (message.length < OVERHEAD[messageIndex]) {
                throw new NoiseException(String.format(
                        Locale.ROOT,
                        "handshake message %d of %d bytes is shorter than its minimum of %d bytes",
                        messageIndex + 1,
                        message.length,
                        OVERHEAD[messageIndex]));
            }
            byte[] payload = switch (messageIndex) {
                case 0 -> readMessage1(message);
                case 1 -> readMessage2(message);
                default -> readMessage3(message);
            };
            advance();
            return payload;
        } catch (NoiseException | RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** A copy of this node's static public key. */
    public byte[] localStaticPublicKey() {
        return localStaticPublic.clone();
    }

    /**
     * A copy of the peer's static public key, authenticated by the handshake so far: the initiator learns it from
     * message 2 (and should check it before sending message 3), the responder from message 3.
     *
     * @throws NoiseException before that message has been read, or after the handshake failed
     */
    public byte[] remoteStaticPublicKey() throws NoiseException {
        if (failed) {
            throw new NoiseException("handshake failed; the remote static key is not trustworthy");
        }
        if (remoteStaticPublic == null) {
            throw new NoiseException(
                    "remote static key is not known until message " + (role == Role.INITIATOR ? 2 : 3) + " is read");
        }
        return remoteStaticPublic.clone();
    }

    /**
     * A copy of the final handshake hash {@code h}, which both sides share: for channel binding (spec section 11.2).
     *
     * @throws NoiseException before the handshake is complete
     */
    public byte[] handshakeHash() throws NoiseException {
        if (handshakeHash == null) {
            throw new NoiseException("handshake hash is final only once the handshake is complete");
        }
        return handshakeHash.clone();
    }

    /**
     * Split: the transport cipher states, once. The caller then owns them and closes them when the session ends.
     *
     * @throws NoiseException before the handshake is complete, after a previous split or after {@link #close()}
     */
    public CipherStatePair split() throws NoiseException {
        if (splitTaken) {
            throw new NoiseException("transport cipher states were already taken by an earlier split");
        }
        checkOpen();
        if (transport == null) {
            throw new NoiseException("handshake is not complete; " + nextStep());
        }
        CipherStatePair pair = transport;
        transport = null;
        splitTaken = true;
        return pair;
    }

    /**
     * Wipes every secret this state still holds, including transport cipher states not yet taken by {@link #split()}.
     * Idempotent; the handshake hash stays readable if the handshake had completed.
     */
    @Override
    public void close() {
        wipeSecrets();
        if (transport != null) {
            transport.close();
            transport = null;
        }
        closed = true;
    }

    // -> e
    private byte[] writeMessage1(byte[] payload) throws NoiseException {
        symmetric.mixHash(localEphemeralPublic);
        byte[] payloadCiphertext = symmetric.encryptAndHash(payload);
        return concat(localEphemeralPublic, payloadCiphertext);
    }

    private byte[] readMessage1(byte[] message) throws NoiseException {
        remoteEphemeralPublic = Arrays.copyOfRange(message, 0, PUBLIC_KEY_LENGTH);
        symmetric.mixHash(remoteEphemeralPublic);
        pendingEe = dh(localEphemeralPrivate, remoteEphemeralPublic, "remote ephemeral");
        return symmetric.decryptAndHash(message, PUBLIC_KEY_LENGTH, message.length - PUBLIC_KEY_LENGTH);
    }

    // <- e, ee, s, es
    private byte[] writeMessage2(byte[] payload) throws NoiseException {
        symmetric.mixHash(localEphemeralPublic);
        mixKeyAndWipe(pendingEe);
        pendingEe = null;
        byte[] staticCiphertext = symmetric.encryptAndHash(localStaticPublic);
        mixKeyAndWipe(dh(localStaticPrivate, remoteEphemeralPublic, "remote ephemeral"));
        byte[] payloadCiphertext = symmetric.encryptAndHash(payload);
        return concat(localEphemeralPublic, staticCiphertext, payloadCiphertext);
    }

    private byte[] readMessage2(byte[] message) throws NoiseException {
        remoteEphemeralPublic = Arrays.copyOfRange(message, 0, PUBLIC_KEY_LENGTH);
        symmetric.mixHash(remoteEphemeralPublic);
        mixKeyAndWipe(dh(localEphemeralPrivate, remoteEphemeralPublic, "remote ephemeral"));
        byte[] remoteStatic = symmetric.decryptAndHash(message, PUBLIC_KEY_LENGTH, ENCRYPTED_KEY_LENGTH);
        mixKeyAndWipe(dh(localEphemeralPrivate, remoteStatic, "remote static"));
        remoteStaticPublic = remoteStatic;
        int payloadOffset = PUBLIC_KEY_LENGTH + ENCRYPTED_KEY_LENGTH;
        return symmetric.decryptAndHash(message, payloadOffset, message.length - payloadOffset);
    }

    // -> s, se
    private byte[] writeMessage3(byte[] payload) throws NoiseException {
        byte[] staticCiphertext = symmetric.encryptAndHash(localStaticPublic);
        mixKeyAndWipe(dh(localStaticPrivate, remoteEphemeralPublic, "remote ephemeral"));
        byte[] payloadCiphertext = symmetric.encryptAndHash(payload);
        return concat(staticCiphertext, payloadCiphertext);
    }

    private byte[] readMessage3(byte[] message) throws NoiseException {
        byte[] remoteStatic = symmetric.decryptAndHash(message, 0, ENCRYPTED_KEY_LENGTH);
        mixKeyAndWipe(dh(localEphemeralPrivate, remoteStatic, "remote static"));
        byte[] payload = symmetric.decryptAndHash(message, ENCRYPTED_KEY_LENGTH, message.length - ENCRYPTED_KEY_LENGTH);
        remoteStaticPublic = remoteStatic;
        return payload;
    }

    private void advance() {
        messageIndex++;
        if (messageIndex == MESSAGE_COUNT) {
            handshakeHash = symmetric.handshakeHash();
            transport = symmetric.split();
            wipeSecrets();
        }
    }

    private void abandon() {
        failed = true;
        wipeSecrets();
    }

    private void wipeSecrets() {
        symmetric.close();
        Arrays.fill(localStaticPrivate, (byte) 0);
        Arrays.fill(localEphemeralPrivate, (byte) 0);
        if (pendingEe != null) {
            Arrays.fill(pendingEe, (byte) 0);
            pendingEe = null;
        }
    }

    private void mixKeyAndWipe(byte[] sharedSecret) {
        try {
            symmetric.mixKey(sharedSecret);
        } finally {
            Arrays.fill(sharedSecret, (byte) 0);
        }
    }

    /** DH(private, public), refusing the all-zero output any low-order point gives (spec section 12.1). */
    private static byte[] dh(byte[] privateKey, byte[] publicKey, String which) throws NoiseException {
        try {
            return X25519Keys.agree(privateKey, publicKey);
        } catch (LowOrderPointException e) {
            throw new NoiseException(which + " public key is a low-order point (X25519 output is all zeros)", e);
        }
    }

    private boolean writes(int index) {
        return (role == Role.INITIATOR) == (index % 2 == 0);
    }

    private void checkOpen() throws NoiseException {
        if (closed) {
            throw new NoiseException("handshake state is closed");
        }
        if (failed) {
            throw new NoiseException("handshake has failed; start a new one");
        }
    }

    private void checkTurn(boolean writing) throws NoiseException {
        checkOpen();
        if (messageIndex == MESSAGE_COUNT) {
            throw new NoiseException("handshake is complete; transport messages use the split cipher states");
        }
        if (writes(messageIndex) != writing) {
            throw new NoiseException("out of order: " + nextStep());
        }
    }

    private String nextStep() {
        return String.format(
                Locale.ROOT,
                "the %s's next step is to %s message %d",
                role.name().toLowerCase(Locale.ROOT),
                writes(messageIndex) ? "write" : "read",
                messageIndex + 1);
    }

    private static int payloadLengthMax(int index) {
        return MESSAGE_LENGTH_MAX - OVERHEAD[index];
    }

    private static void checkPrivateKey(byte[] key, String which) {
        if (key.length != PRIVATE_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "an X25519 " + which + " private key is " + PRIVATE_KEY_LENGTH + " bytes, got " + key.length);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
