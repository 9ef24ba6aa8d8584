package io.elara.stun.server;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunCredentials;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import io.elara.stun.codec.StunReject;
import io.elara.stun.server.StunResponder.Outcome;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The node's STUN responder: what it answers, to whom, how much, and how often. */
class StunResponderTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40123);
    private static final byte[] SECRET = new byte[32];
    private static final long T0 = 1_000_000_000_000L;
    private final SplittableRandom random = new SplittableRandom(3);

    private byte[] id() {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return id;
    }

    private StunMessage.Builder binding() {
        return StunMessage.builder(StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_REQUEST, id());
    }

    private static StunMessage read(byte[] response) {
        StunMessage.Decoded decoded = StunMessage.decode(response);
        assertThat(decoded.reject()).isEqualTo(StunReject.NONE);
        return decoded.message();
    }

    private static StunResponder open() {
        return new StunResponder(StunResponder.Settings.defaults(), null, SECRET);
    }

    @Test
    void shouldAnswerABindingRequestWithTheSourceAddress() {
        StunResponder responder = open();
        byte[] request = binding().encode(null, false);
        StunMessage response = read(responder.handle(request, CLIENT, T0));
        assertThat(response.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE);
        assertThat(response.hasTransactionId(Arrays.copyOfRange(request, 8, 20)))
                .isTrue();
        assertThat(response.address(StunAttributes.XOR_MAPPED_ADDRESS)).isEqualTo(CLIENT);
        assertThat(response.attribute(StunAttributes.FINGERPRINT))
                .as("checked by decode")
                .isNotNull();
        assertThat(responder.count(Outcome.ANSWERED)).isEqualTo(1);

        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 5000);
        assertThat(read(responder.handle(binding().encode(null, true), v6, T0))
                        .address(StunAttributes.XOR_MAPPED_ADDRESS))
                .isEqualTo(v6);
    }

    @Test
    void shouldAnswerAClassicRequestAsDebiansStunClientSendsIt() {
        // Captured from `stun 127.0.0.1:PORT`: RFC 3489, no magic cookie, CHANGE-REQUEST 0 (test I), then 4 (change
        // address), which a server with one address cannot honour.
        StunResponder responder = open();
        byte[] testOne = hex("0001000801ad2e335ad0435b39492720c1bac91e0003000400000000");
        byte[] changeIp = hex("000100080254b4458ca4cf2b35133a54244eb47a0003000400000004");
        byte[] answer = responder.handle(testOne, CLIENT, T0);
        StunMessage response = read(answer);
        assertThat(response.classic()).isTrue();
        assertThat(Arrays.copyOfRange(answer, 4, 20)).isEqualTo(Arrays.copyOfRange(testOne, 4, 20));
        assertThat(response.address(StunAttributes.MAPPED_ADDRESS)).isEqualTo(CLIENT);
        assertThat(response.attribute(StunAttributes.FINGERPRINT)).isNull();

        StunMessage refused = read(responder.handle(changeIp, CLIENT, T0));
        assertThat(refused.errorCode().code()).isEqualTo(420);
        assertThat(refused.unknownAttributes()).containsExactly(StunAttributes.CHANGE_REQUEST);
    }

    @Test
    void shouldRefuseWhatItDoesNotUnderstandAndIgnoreWhatItNeedNot() {
        StunResponder responder = open();
        byte[] unknown = binding()
                .add(0x7F01, new byte[4])
                .add(0x7F02, new byte[4])
                .add(0x7F03, new byte[4])
                .add(0x7F04, new byte[4])
                .add(0x7F05, new byte[4])
                .add(0xC0DE, new byte[4])
                .encode(null, true);
        StunMessage refused = read(responder.handle(unknown, CLIENT, T0));
        assertThat(refused.errorCode().code()).isEqualTo(420);
        assertThat(refused.unknownAttributes()).containsExactly(0x7F01, 0x7F02, 0x7F03, 0x7F04);

        byte[] optional = binding().add(0xC0DE, new byte[4]).encode(null, true);
        assertThat(read(responder.handle(optional, CLIENT, T0)).messageClass())
                .isEqualTo(StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE);

        byte[] allocate = StunMessage.builder(0x003, StunHeaderFlyweight.CLASS_REQUEST, id())
                .encode(null, true);
        assertThat(read(responder.handle(allocate, CLIENT, T0)).errorCode().code())
                .isEqualTo(400);

        byte[] indication = StunMessage.builder(
                        StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_INDICATION, id())
                .encode(null, true);
        assertThat(responder.handle(indication, CLIENT, T0)).isNull();
        assertThat(responder.lastOutcome()).isEqualTo(Outcome.NOT_A_REQUEST);

        byte[] broken = binding().encode(null, true);
        broken[broken.length - 1] ^= 1;
        assertThat(responder.handle(broken, CLIENT, T0)).isNull();
        assertThat(responder.malformed()).containsEntry(StunReject.FINGERPRINT_MISMATCH, 1L);
    }

    @Test
    void shouldCheckShortTermCredentialsAndSignItsAnswer() {
        byte[] key = StunCredentials.shortTermKey("remote-password");
        StunResponder responder = new StunResponder(
                StunResponder.Settings.defaults(), username -> username.equals("local:remote") ? key : null, SECRET);
        byte[] good = binding()
                .text(StunAttributes.USERNAME, "local:remote")
                .u32(StunAttributes.PRIORITY, 1234)
                .encode(key, true);
        StunMessage answer = read(responder.handle(good, CLIENT, T0));
        assertThat(answer.messageClass()).isEqualTo(StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE);
        assertThat(answer.integrity(key)).isEqualTo(StunMessage.Integrity.VALID);

        byte[] wrongKey = binding()
                .text(StunAttributes.USERNAME, "local:remote")
                .encode(StunCredentials.shortTermKey("guess"), true);
        assertThat(read(responder.handle(wrongKey, CLIENT, T0)).errorCode().code())
                .isEqualTo(401);
        byte[] unknownUser =
                binding().text(StunAttributes.USERNAME, "someone:else").encode(key, true);
        assertThat(read(responder.handle(unknownUser, CLIENT, T0)).errorCode().code())
                .isEqualTo(401);
    }

    @Test
    void shouldChallengeForALongTermCredentialAndTakeItWithAFreshNonce() {
        byte[] key = StunCredentials.longTermKey("ann", "elara.test", "s3cret");
        StunResponder responder = new StunResponder(
                new StunResponder.Settings(2_000, 200, 20, 20, "elara.test", Map.of("ann", key), true, "elara"),
                null,
                SECRET);
        StunMessage challenge = read(responder.handle(binding().encode(null, true), CLIENT, T0));
        assertThat(challenge.errorCode().code()).isEqualTo(401);
        assertThat(challenge.text(StunAttributes.REALM)).isEqualTo("elara.test");
        String nonce = challenge.text(StunAttributes.NONCE);
        assertThat(nonce).hasSize(22);

        byte[] retry = binding()
                .text(StunAttributes.USERNAME, "ann")
                .text(StunAttributes.REALM, "elara.test")
                .text(StunAttributes.NONCE, nonce)
                .encode(key, true);
        StunMessage answer = read(responder.handle(retry, CLIENT, T0 + 1_000_000_000L));
        assertThat(answer.address(StunAttributes.XOR_MAPPED_ADDRESS)).isEqualTo(CLIENT);
        assertThat(answer.integrity(key)).isEqualTo(StunMessage.Integrity.VALID);
        assertThat(answer.text(StunAttributes.SOFTWARE)).isEqualTo("elara");

        // The same nonce eleven minutes later, or from another address, is stale; a wrong password is refused.
        assertThat(read(responder.handle(retry, CLIENT, T0 + 660_000_000_000L))
                        .errorCode()
                        .code())
                .isEqualTo(438);
        assertThat(read(responder.handle(retry, new InetSocketAddress("198.51.100.8", 40123), T0))
                        .errorCode()
                        .code())
                .isEqualTo(438);
        byte[] wrong = binding()
                .text(StunAttributes.USERNAME, "ann")
                .text(StunAttributes.REALM, "elara.test")
                .text(StunAttributes.NONCE, nonce)
                .encode(StunCredentials.longTermKey("ann", "elara.test", "guess"), true);
        assertThat(read(responder.handle(wrong, CLIENT, T0)).errorCode().code()).isEqualTo(401);
    }

    @Test
    void shouldAnswerOneSourceAndAllSourcesNoFasterThanTheirRates() {
        StunResponder responder = open();
        int answered = 0;
        for (int i = 0; i < 30; i++) {
            answered += responder.handle(binding().encode(null, true), CLIENT, T0) == null ? 0 : 1;
        }
        assertThat(answered).as("one source's burst").isEqualTo(20);
        assertThat(responder.count(Outcome.RATE_LIMITED)).isEqualTo(10);
        assertThat(responder.handle(binding().encode(null, true), CLIENT, T0 + 100_000_000L))
                .as("two more a tenth of a second later")
                .isNotNull();

        // A flood from many addresses (spoofed, say) is held to the global rate: burst 200, then 2,000 a second.
        StunResponder flooded = open();
        int floodAnswered = 0;
        for (int i = 0; i < 5_000; i++) {
            InetSocketAddress source = new InetSocketAddress("10.1." + (i / 250) + "." + (i % 250), 1000 + i);
            long at = T0 + i * 100_000L; // 10,000 a second for half a second
            floodAnswered += flooded.handle(binding().encode(null, false), source, at) == null ? 0 : 1;
        }
        assertThat(floodAnswered).isBetween(1_150, 1_201);
    }

    @Test
    void shouldNeverAnswerAnUnauthenticatedRequestWithMoreThanTheBound() {
        // Goal: no amplification. Method: 3,000 requests with random attributes (known and unknown, up to 1,000 bytes),
        // against an open responder and one that challenges with the longest realm.
        StunResponder open = open();
        StunResponder challenging = new StunResponder(
                new StunResponder.Settings(
                        1_000_000, 1_000_000, 1_000_000, 1_000_000, "r".repeat(64), Map.of(), true, "x"),
                null,
                SECRET);
        List<Integer> types = List.of(
                StunAttributes.USERNAME,
                StunAttributes.PRIORITY,
                StunAttributes.CHANGE_REQUEST,
                0x7F00,
                0xC000,
                0x0003);
        int largest = 0;
        for (int i = 0; i < 3_000; i++) {
            StunMessage.Builder request = binding();
            int count = random.nextInt(8);
            for (int a = 0; a < count; a++) {
                byte[] value = new byte[random.nextInt(140)];
                random.nextBytes(value);
                request.add(types.get(random.nextInt(types.size())) + random.nextInt(3), value);
            }
            byte[] bytes = request.encode(random.nextBoolean() ? new byte[] {1} : null, random.nextBoolean());
            for (StunResponder responder : List.of(open, challenging)) {
                byte[] response = responder.handle(bytes, CLIENT, T0 + i * 1_000_000_000L);
                largest = Math.max(largest, response == null ? 0 : response.length);
            }
        }
        assertThat(largest).isPositive().isLessThanOrEqualTo(StunResponder.UNAUTHENTICATED_RESPONSE_MAX);
    }
}
