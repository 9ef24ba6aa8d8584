package io.elara.stun.bench;

import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import io.elara.stun.server.StunResponder;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many STUN Binding requests one node's responder handles a second, on one core: {@code answer} decodes a request
 * from one of 4,096 sources and encodes its response (rates set high enough never to limit); {@code dropFlood} is the
 * cost of a request the rate limit drops, as in a flood. Run with {@code -prof gc} for the bytes allocated per request.
 *
 * <pre>
 * ./mvnw -Pbench -pl stun -o test-compile exec:exec -Djmh.args="StunResponderBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StunResponderBenchmark {
    private static final int SOURCES = 4096;

    private final InetSocketAddress[] sources = new InetSocketAddress[SOURCES];
    private byte[] request;
    private StunResponder open;
    private StunResponder limited;
    private long nowNs;
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < SOURCES; i++) {
            sources[i] = new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250), 1024 + i);
        }
        request = StunMessage.builder(
                        StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_REQUEST, new byte[12])
                .encode(null, true);
        open = new StunResponder(
                new StunResponder.Settings(
                        Integer.MAX_VALUE / 2,
                        Integer.MAX_VALUE / 2,
                        Integer.MAX_VALUE / 2,
                        Integer.MAX_VALUE / 2,
                        null,
                        Map.of(),
                        false,
                        null),
                null,
                new byte[32]);
        limited = new StunResponder(StunResponder.Settings.defaults(), null, new byte[32]);
        // Spend the limited responder's burst, so every request after is dropped.
        for (int i = 0; i < 1_000; i++) {
            limited.handle(request, sources[i % SOURCES], 0);
        }
    }

    @Benchmark
    public byte[] answer() {
        nowNs += 1_000;
        return open.handle(request, sources[next++ & (SOURCES - 1)], nowNs);
    }

    @Benchmark
    public byte[] dropFlood() {
        return limited.handle(request, sources[next++ & (SOURCES - 1)], 1);
    }
}
