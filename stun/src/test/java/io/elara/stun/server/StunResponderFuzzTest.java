package io.elara.stun.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.stun.codec.StunMessage;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Fuzz target for the node's STUN responder, fed whole datagrams. Properties: {@link StunResponder#handle} never
 * throws; a response is itself a well-formed STUN message; a response to a datagram that carries no valid credential
 * (this responder knows none) is at most {@link StunResponder#UNAUTHENTICATED_RESPONSE_MAX} bytes. Under plain {@code
 * mvn test} it replays its seeds from {@code src/test/resources/io/elara/stun/server/StunResponderFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class StunResponderFuzzTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.44", 50000);

    private final StunResponder responder = new StunResponder(
            new StunResponder.Settings(
                    Integer.MAX_VALUE / 2,
                    Integer.MAX_VALUE / 2,
                    Integer.MAX_VALUE / 2,
                    Integer.MAX_VALUE / 2,
                    "elara.test",
                    Map.of(),
                    false,
                    "elara"),
            username -> null,
            new byte[32]);
    private long nowNs = 1_000_000_000L;

    @FuzzTest(maxDuration = "60s")
    void fuzzHandle(byte[] datagram) {
        nowNs += 1_000_000L;
        byte[] response = responder.handle(datagram, FROM, nowNs);
        if (response == null) {
            return;
        }
        if (!StunMessage.decode(response).ok()) {
            throw new IllegalStateException("a response that does not decode");
        }
        if (response.length > StunResponder.UNAUTHENTICATED_RESPONSE_MAX) {
            throw new IllegalStateException("an unauthenticated request got " + response.length + " bytes back");
        }
    }
}
