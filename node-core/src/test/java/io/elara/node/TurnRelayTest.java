package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunCredentials;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay's exchanges with a TURN server, answered here as RFC 8656 has a server answer (the NAT lab and the
 * interop test run the same code against coturn): the credential challenge, a stale nonce, the permission, refusals,
 * silence, and the wrapping of datagrams both ways.
 */
class TurnRelayTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("203.0.113.1", 3478);
    private static final InetSocketAddress RELAYED = new InetSocketAddress("203.0.113.1", 49152);
    private static final InetSocketAddress OTHER_RELAY = new InetSocketAddress("203.0.113.1", 49999);
    private static final String REALM = "elara.test";
    private static final byte[] KEY = StunCredentials.longTermKey("elara", REALM, "turn secret");

    private final TurnRelay relay = new TurnRelay(SERVER, "elara", "turn secret", new SplittableRandom(5));
    private final List<StunMessage> sent = new ArrayList<>();
    private long nowNs = 1_000_000_000L;

    private StunMessage flush() {
        int before = sent.size();
        relay.flush(nowNs, (bytes, to) -> {
            assertThat(to).isEqualTo(SERVER);
            sent.add(StunMessage.decode(bytes).message());
        });
        return sent.size() > before ? sent.get(sent.size() - 1) : null;
    }

    private boolean answer(StunMessage.Builder response, byte[] key) {
        return relay.onStun(StunMessage.decode(response.encode(key, true)).message(), SERVER, nowNs, inner -> {});
    }

    private static StunMessage.Builder challenge(StunMessage request, String nonce, int code) {
        return StunMessage.responseTo(request, StunHeaderFlyweight.CLASS_ERROR_RESPONSE)
                .errorCode(code, code == 401 ? "Unauthorized" : "Stale Nonce")
                .text(StunAttributes.REALM, REALM)
                .text(StunAttributes.NONCE, nonce);
    }

    /** Runs the exchange up to a relayed address with permission. */
    private void allocate() {
        StunMessage first = flush();
        assertThat(first.method()).isEqualTo(TurnRelay.METHOD_ALLOCATE);
        assertThat(first.attribute(StunAttributes.USERNAME))
                .as("no credential before the challenge")
                .isNull();
        assertThat(answer(challenge(first, "n1", 401), null)).isTrue();

        StunMessage second = flush();
        assertThat(second.method()).isEqualTo(TurnRelay.METHOD_ALLOCATE);
        assertThat(second.text(StunAttributes.USERNAME)).isEqualTo("elara");
        assertThat(second.text(StunAttributes.NONCE)).isEqualTo("n1");
        assertThat(second.integrity(KEY)).isEqualTo(StunMessage.Integrity.VALID);
        answer(
                StunMessage.responseTo(second, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE)
                        .address(StunAttributes.XOR_RELAYED_ADDRESS, RELAYED)
                        .u32(StunAttributes.LIFETIME, 600),
                KEY);
        assertThat(relay.relayed()).as("not before the permission").isNull();

        StunMessage permission = flush();
        assertThat(permission.method()).isEqualTo(TurnRelay.METHOD_CREATE_PERMISSION);
        assertThat(permission.address(StunAttributes.XOR_PEER_ADDRESS).getAddress())
                .as("the relays of this server")
                .isEqualTo(RELAYED.getAddress());
        answer(StunMessage.responseTo(permission, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE), KEY);
        assertThat(relay.relayed()).isEqualTo(RELAYED);
    }

    @Test
    void shouldAllocateWithTheLongTermCredentialAndRelayOnlyToOtherRelaysOfItsServer() {
        allocate();
        assertThat(relay.relays(OTHER_RELAY)).isTrue();
        assertThat(relay.relays(SERVER))
                .as("the server itself: STUN, not relayed")
                .isFalse();
        assertThat(relay.relays(new InetSocketAddress("203.0.113.12", 40000))).isFalse();

        // Out: a datagram becomes a Send indication naming the peer. In: a Data indication becomes the datagram.
        StunMessage send = StunMessage.decode(relay.wrap(new byte[] {1, 2, 3}, OTHER_RELAY))
                .message();
        assertThat(send.method()).isEqualTo(TurnRelay.METHOD_SEND);
        assertThat(send.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_INDICATION);
        assertThat(send.address(StunAttributes.XOR_PEER_ADDRESS)).isEqualTo(OTHER_RELAY);
        assertThat(send.attribute(StunAttributes.DATA).value()).containsExactly(1, 2, 3);
        List<TurnRelay.Inner> received = new ArrayList<>();
        byte[] data = StunMessage.builder(TurnRelay.METHOD_DATA, StunHeaderFlyweight.CLASS_INDICATION, new byte[12])
                .address(StunAttributes.XOR_PEER_ADDRESS, OTHER_RELAY)
                .add(StunAttributes.DATA, new byte[] {9, 8})
                .encode(null, false);
        assertThat(relay.onStun(StunMessage.decode(data).message(), SERVER, nowNs, received::add))
                .isTrue();
        assertThat(received).singleElement().satisfies(inner -> {
            assertThat(inner.peer()).isEqualTo(OTHER_RELAY);
            assertThat(inner.datagram()).containsExactly(9, 8);
        });
        assertThat(relay.onStun(StunMessage.decode(data).message(), OTHER_RELAY, nowNs, received::add))
                .as("from anyone but the server: not the relay's")
                .isFalse();
    }

    @Test
    void shouldRefreshTheAllocationAndThePermissionBeforeTheyLapse() {
        allocate();
        nowNs += TimeUnit.MINUTES.toNanos(4);
        assertThat(flush().method()).isEqualTo(TurnRelay.METHOD_CREATE_PERMISSION);
        answer(StunMessage.responseTo(sent.get(sent.size() - 1), StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE), KEY);
        nowNs += TimeUnit.MINUTES.toNanos(1);
        StunMessage refresh = flush();
        assertThat(refresh.method()).as("at half the 600 s lifetime").isEqualTo(TurnRelay.METHOD_REFRESH);
        // A stale nonce is answered once more with the fresh one.
        answer(challenge(refresh, "n2", 438), KEY);
        StunMessage again = flush();
        assertThat(again.method()).isEqualTo(TurnRelay.METHOD_REFRESH);
        assertThat(again.text(StunAttributes.NONCE)).isEqualTo("n2");
        answer(
                StunMessage.responseTo(again, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE)
                        .u32(StunAttributes.LIFETIME, 600),
                KEY);
        assertThat(relay.relayed()).isEqualTo(RELAYED);
    }

    @Test
    void shouldSayWhyWhenTheCredentialIsRefusedAndTryAgainLater() {
        StunMessage first = flush();
        answer(challenge(first, "n1", 401), null);
        StunMessage second = flush();
        answer(challenge(second, "n1", 401), null);
        assertThat(relay.relayed()).isNull();
        assertThat(relay.problem()).isEqualTo("the TURN server refused the allocation: wrong user or password (401)");
        assertThat(flush()).as("nothing until the retry").isNull();
        nowNs += TurnRelay.RETRY_NS;
        assertThat(flush().attribute(StunAttributes.USERNAME))
                .as("a fresh start, challenge first")
                .isNull();
    }

    @Test
    void shouldGiveUpOnASilentServerAfterItsAttempts() {
        for (int i = 0; i < TurnRelay.ATTEMPTS_MAX; i++) {
            assertThat(flush()).isNotNull();
            nowNs = relay.nextDeadlineNs();
        }
        assertThat(flush()).isNull();
        assertThat(relay.problem()).isEqualTo("no answer from the TURN server at 203.0.113.1:3478");
        assertThat(sent).hasSize(TurnRelay.ATTEMPTS_MAX);
    }

    @Test
    void shouldIgnoreAnAnswerThatDoesNotCarryTheCredentialsIntegrity() {
        StunMessage first = flush();
        answer(challenge(first, "n1", 401), null);
        StunMessage second = flush();
        answer(
                StunMessage.responseTo(second, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE)
                        .address(StunAttributes.XOR_RELAYED_ADDRESS, RELAYED),
                StunCredentials.longTermKey("elara", REALM, "guessed"));
        assertThat(flush())
                .as("still waiting for the real answer: no permission asked")
                .isNull();
        assertThat(relay.relayed()).isNull();
    }
}
