package io.elara.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.sync.DotRange;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlMessageTest {
    private static final SessionId SESSION = new SessionId(0x0123456789abcdefL, 0xfedcba9876543210L);
    private static final NodeId NODE = Identity.fromSeed(new byte[32]).nodeId();

    @Test
    void shouldReadBackEveryKindOfMessageItWrites() throws Exception {
        Map<Long, HeldEvents.Summary> held = new LinkedHashMap<>();
        held.put(0x0102030405060708L, new HeldEvents.Summary(0xFFFF_FFFFL, List.of()));
        held.put(-1L, new HeldEvents.Summary(7, List.of(new DotRange(-1L, 9, 9), new DotRange(-1L, 11, 0x2a))));
        held.put(5L, new HeldEvents.Summary(0, List.of(new DotRange(5L, 3, 4))));
        List<ControlMessage> messages = List.of(
                ControlMessage.join(new byte[] {1, 2, 3, (byte) 0xFF}),
                ControlMessage.op(new byte[] {9}),
                ControlMessage.welcome(SESSION, NODE, "team chat ✓"),
                ControlMessage.refused(SESSION, "membership_invite_used_up"),
                ControlMessage.member(
                        SESSION, NODE, new InetSocketAddress(InetAddress.getLoopbackAddress(), 7001), "carol"),
                ControlMessage.member(
                        SESSION,
                        NODE,
                        new InetSocketAddress(
                                InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                                7002),
                        "dee"),
                ControlMessage.sync(
                        SESSION,
                        "qa",
                        12,
                        "00112233445566ff",
                        0x19a2b3c4d5e60001L,
                        Long.MIN_VALUE,
                        Long.MAX_VALUE,
                        held),
                ControlMessage.sync(SESSION, "rc", 0, "0000000000000000", 0, 5, 9, Map.of()),
                ControlMessage.ice(true, "uF4g 0123456789abcdefABCDEF+/ host,1,2130706431,10.1.0.2:40000"),
                ControlMessage.ice(false, "aB12 0123456789abcdefABCDEF+/ srflx,2,1694498815,203.0.113.12:7"));
        for (ControlMessage message : messages) {
            ControlMessage.Parsed parsed = ControlMessage.parse(message.text());
            assertThat(parsed.problem()).as(message.text()).isNull();
            assertThat(parsed.message()).isEqualTo(message);
            assertThat(parsed.message().text()).isEqualTo(message.text());
        }
        ControlMessage sync = ControlMessage.parse(messages.get(6).text()).message();
        assertThat(sync.held()).containsExactlyEntriesOf(held);
        assertThat(sync.text())
                .endsWith(" 19a2b3c4d5e60001 8000000000000000-7fffffffffffffff"
                        + " 0102030405060708=ffffffff ffffffffffffffff=7+9,b-2a 0000000000000005=0+3-4");
        assertThat(sync.ops()).isEqualTo(12);
        assertThat(sync.newestOp()).isEqualTo(0x19a2b3c4d5e60001L);
        assertThat(ControlMessage.parse(messages.get(2).text()).message().name())
                .isEqualTo("team chat ✓");
        assertThat(ControlMessage.parse(messages.get(0).text()).message().payload())
                .containsExactly(1, 2, 3, (byte) 0xFF);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "dance",
                "op",
                "op AQ==",
                "op !!!",
                "op AQ extra",
                "welcome 0123 x y",
                "refused 0123456789abcdeffedcba9876543210 Not_A_Label",
                "member 0123456789abcdeffedcba9876543210 nope 127.0.0.1:1 Y2Fyb2w",
                "member 0123456789abcdeffedcba9876543210 %s example.org:1 Y2Fyb2w",
                "member 0123456789abcdeffedcba9876543210 %s 127.0.0.1:1 Yg==",
                "sync 0123456789abcdeffedcba9876543210 qx 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff",
                "sync 0123456789abcdeffedcba9876543210 qa 123456 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 0000000000000001",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 0000000000000009-0000000000000001",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 0000000000000001-0000000000000002 0102030405060708=1",
                "sync 0123456789abcdeffedcba9876543210 qa 1 00112233 0000000000000000",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 00ff",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=1 0102030405060708=2",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 01=1",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=3+3",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=3+9,6",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=3+9-7",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=3+",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=3+5,,7",
                "sync 0123456789abcdeffedcba9876543210 qa 1 0011223344556677 0000000000000000 8000000000000000-7fffffffffffffff 0102030405060708=123456789",
                "sync 0123456789ABCDEFfedcba9876543210 qa 1 0011223344556677 0000000000000000"
            })
    void shouldRefuseMalformedLinesWithAReason(String template) {
        String text = template.replace("%s", NODE.toString());
        ControlMessage.Parsed parsed = ControlMessage.parse(text);
        assertThat(parsed.accepted()).as(text).isFalse();
        assertThat(parsed.problem()).isNotBlank();
    }

    @Test
    void shouldCarryAProbeRequestAndAnswerWithItsNonceAndRefuseMalformedOnes() {
        io.elara.crypto.identity.NodeId target =
                io.elara.crypto.identity.Identity.fromSeed(new byte[32]).nodeId();
        ControlMessage request = ControlMessage.probe(true, target, 0x8000000000000001L);
        assertThat(request.text()).isEqualTo("probe q " + target + " 8000000000000001");
        ControlMessage parsed = ControlMessage.parse(request.text()).message();
        assertThat(parsed).isEqualTo(request);
        assertThat(parsed.probeRequest()).isTrue();
        assertThat(parsed.node()).isEqualTo(target);
        assertThat(parsed.nonce()).isEqualTo(0x8000000000000001L);
        ControlMessage answer = ControlMessage.parse(
                        ControlMessage.probe(false, target, 7).text())
                .message();
        assertThat(answer.probeRequest()).isFalse();
        assertThat(answer.nonce()).isEqualTo(7);

        assertThat(ControlMessage.parse("probe x " + target + " 0000000000000007")
                        .problem())
                .contains("a request (q) or an answer (a)");
        assertThat(ControlMessage.parse("probe q " + target + " 7").problem()).contains("16 hex digits");
        assertThat(ControlMessage.parse("probe q nobody 0000000000000007").problem())
                .contains("node id");
        assertThat(ControlMessage.parse("probe q " + target).problem()).contains("not 4");
    }

    @Test
    void shouldCarryAMediaReceiverReportAndRefuseImpossibleCounts() {
        ControlMessage report = ControlMessage.report(50, 47, 6_100, 1_003);
        assertThat(report.text()).isEqualTo("report 50 47 6100 1003");
        ControlMessage parsed = ControlMessage.parse(report.text()).message();
        assertThat(parsed).isEqualTo(report);
        assertThat(parsed.reportExpected()).isEqualTo(50);
        assertThat(parsed.reportDelivered()).isEqualTo(47);
        assertThat(parsed.reportBytes()).isEqualTo(6_100);
        assertThat(parsed.reportMillis()).isEqualTo(1_003);
        assertThat(ControlMessage.parse("report 5 6 100 1000").problem()).contains("delivers at most what it expects");
        assertThat(ControlMessage.parse("report 5 4 100 0").problem()).contains("at least one millisecond");
        assertThat(ControlMessage.parse("report -5 4 100 10").problem()).contains("not a count");
        assertThat(ControlMessage.parse("report 05 4 100 10").problem()).contains("not a count");
        assertThat(ControlMessage.parse("report 5 4 100 3600001").problem()).contains("not a count of 0 to 3600000");
        assertThat(ControlMessage.parse("report 5 4 100").problem()).contains("not 5");
    }

    @Test
    void shouldCarryAnIceOfferAndAnswerAndRefuseOtherRolesAndOversizedDescriptions() {
        ControlMessage offer =
                ControlMessage.parse(ControlMessage.ice(true, "u f").text()).message();
        assertThat(offer.offer()).isTrue();
        assertThat(offer.description()).isEqualTo("u f");
        assertThat(ControlMessage.parse(ControlMessage.ice(false, "x").text())
                        .message()
                        .offer())
                .isFalse();
        assertThat(ControlMessage.parse("ice q eA").problem()).contains("an offer (o) or an answer (a)");
        assertThat(ControlMessage.parse("ice o").problem()).contains("has 2 fields, not 3");
        String big = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new byte[ControlMessage.ICE_BYTES_MAX + 1]);
        assertThat(ControlMessage.parse("ice o " + big).problem()).contains("at most 2048 bytes");
    }

    @Test
    void shouldRefuseANameWithControlCharactersOrTooLong() {
        String bell = ControlMessage.welcome(SESSION, NODE, "ring\u0007").text();
        assertThat(ControlMessage.parse(bell).problem()).contains("control characters");
        String longName = ControlMessage.welcome(SESSION, NODE, "x".repeat(65)).text();
        assertThat(ControlMessage.parse(longName).problem()).contains("at most 64 bytes");
    }

    @Test
    void shouldRefuseMoreAuthorsOrRunsThanASyncCarries() {
        Map<Long, HeldEvents.Summary> held = new LinkedHashMap<>();
        for (long i = 0; i <= ControlMessage.AUTHORS_MAX; i++) {
            held.put(i, new HeldEvents.Summary(i, List.of()));
        }
        String text = ControlMessage.sync(SESSION, "qp", 1, "0011223344556677", 0, Long.MIN_VALUE, Long.MAX_VALUE, held)
                .text();
        assertThat(ControlMessage.parse(text).problem()).contains("fields");
        List<DotRange> runs = new java.util.ArrayList<>();
        for (int i = 0; i <= ControlMessage.RUNS_PER_AUTHOR_MAX; i++) {
            runs.add(new DotRange(1, 3 + 2L * i, 3 + 2L * i));
        }
        String gappy = ControlMessage.sync(
                        SESSION, "qa", 1, "0011223344556677", 0, 0, 1, Map.of(1L, new HeldEvents.Summary(1, runs)))
                .text();
        assertThat(ControlMessage.parse(gappy).problem()).contains("author's field");
    }
}
