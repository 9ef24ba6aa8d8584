package io.elara.crypto.noise.bench;

import io.elara.crypto.noise.HandshakeState;
import io.elara.crypto.noise.NoiseException;
import io.elara.crypto.noise.NoiseSuite;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Complete Noise XX handshakes per second, both sides in one thread: three messages written and read, the ephemeral
 * keys drawn from a {@link SecureRandom}, and the split into transport cipher states. Each side does one X25519 key
 * generation and three agreements (the responder's ee during message 1), so this is the cost a node pays per new peer.
 *
 * <p>Bouncy Castle's X25519 takes about 20 seconds of JIT before it settles, hence ten warm-up iterations; with three
 * the measured iterations still climb.
 *
 * <pre>./mvnw -Pbench -pl crypto -am -Dspotless.check.skip test-compile exec:exec -Djmh.args="HandshakeBenchmark"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {
    private static final byte[] PROLOGUE = "elara/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    @Param({"XX_25519_CHACHAPOLY_BLAKE2S"})
    NoiseSuite suite;

    private final SecureRandom random = new SecureRandom();
    private byte[] initiatorStatic;
    private byte[] responderStatic;

    @Setup
    public void setUp() {
        initiatorStatic = HandshakeState.generatePrivateKey(random);
        responderStatic = HandshakeState.generatePrivateKey(random);
    }

    @Benchmark
    public byte[] handshake() throws NoiseException {
        try (HandshakeState initiator = HandshakeState.initiator(suite, PROLOGUE, initiatorStatic, random);
                HandshakeState responder = HandshakeState.responder(suite, PROLOGUE, responderStatic, random)) {
            responder.readMessage(initiator.writeMessage(EMPTY));
            initiator.readMessage(responder.writeMessage(EMPTY));
            responder.readMessage(initiator.writeMessage(EMPTY));
            initiator.split().close();
            responder.split().close();
            return initiator.handshakeHash();
        }
    }
}
