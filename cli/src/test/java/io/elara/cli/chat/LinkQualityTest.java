package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.chat.LinkQuality.Member;
import io.elara.cli.chat.LinkQuality.PeerSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkQualityTest {
    private static final Member BOB = new Member("bob", "id-bob");
    private static final Member CAROL = new Member("carol", "id-carol");

    private static PeerSample peer(String name, String id, double rttMs, long sent, long resent, String path) {
        return new PeerSample(name, id, rttMs, sent, resent, path);
    }

    @Test
    void shouldShowRoundTripTimeAndMarkRelayedAndIcePaths() {
        List<PeerSample> now = List.of(
                peer("bob", "id-bob", 1.23, 10, 0, "direct"),
                peer("carol", "id-carol", 38.4, 10, 0, "relayed (TURN); ICE checking"),
                peer("dave", "id-dave", 5, 10, 0, "ICE 192.0.2.7:7460 <-> 198.51.100.2:7460"));
        assertThat(LinkQuality.format(List.of(BOB, CAROL, new Member("dave", "id-dave")), now, Map.of()))
                .isEqualTo("bob 1.2ms, carol 38ms relay, dave 5.0ms ice");
    }

    @Test
    void shouldShowLossOverTheIntervalSinceThePreviousPollNotSinceTheStart() {
        // Bob's link lost a lot long ago (500 of 1,000 frames resent) and 3 of the last 100 now: 3%, not 50%.
        Map<String, PeerSample> before = LinkQuality.byKey(List.of(peer("bob", "id-bob", 40, 1_000, 500, "direct")));
        List<PeerSample> now = List.of(peer("bob", "id-bob", 38, 1_100, 503, "direct"));
        assertThat(LinkQuality.format(List.of(BOB), now, before)).isEqualTo("bob 38ms 3%");
        // Nothing resent in the interval: no loss shown, however bad the lifetime figure.
        List<PeerSample> later = List.of(peer("bob", "id-bob", 38, 1_200, 503, "direct"));
        assertThat(LinkQuality.format(List.of(BOB), later, LinkQuality.byKey(now)))
                .isEqualTo("bob 38ms");
        // A small loss still shows, never as 0%.
        List<PeerSample> slight = List.of(peer("bob", "id-bob", 38, 1_000_000, 504, "direct"));
        assertThat(LinkQuality.format(List.of(BOB), slight, LinkQuality.byKey(later)))
                .isEqualTo("bob 38ms 0.1%");
    }

    @Test
    void shouldShowNoLossWithoutAPreviousPollNorWhenTheCountersStartedAgain() {
        List<PeerSample> first = List.of(peer("bob", "id-bob", 0.4, 300, 90, "direct"));
        assertThat(LinkQuality.format(List.of(BOB), first, Map.of())).isEqualTo("bob 0.4ms");
        // The peer's entry was made anew (its counters are lower than before): no interval to measure.
        List<PeerSample> anew = List.of(peer("bob", "id-bob", 0.4, 10, 5, "direct"));
        assertThat(LinkQuality.format(List.of(BOB), anew, LinkQuality.byKey(first)))
                .isEqualTo("bob 0.4ms");
    }

    @Test
    void shouldShowOnlyConnectedMembersMatchedByIdElseByName() {
        List<PeerSample> now = List.of(
                peer("192.0.2.9:7460", "id-bob", 2, 0, 0, "direct"), // a peer known by address, proven to be bob
                peer("carol", null, -1, 0, 0, "direct"), // no handshake yet: no id, no RTT
                peer("mallory", "id-mallory", 1, 0, 0, "direct")); // not a member of this session
        assertThat(LinkQuality.format(List.of(BOB, CAROL), now, Map.of())).isEqualTo("bob 2.0ms, carol -");
        assertThat(LinkQuality.format(List.of(), now, Map.of())).isEmpty();
        assertThat(LinkQuality.format(List.of(new Member("erin", "id-erin")), now, Map.of()))
                .isEmpty();
    }

    @Test
    void shouldReadAPeerAsTheStatusGivesIt() throws Exception {
        PeerSample sample = PeerSample.of(new ObjectMapper()
                .readTree("{\"name\":\"bob\",\"address\":\"127.0.0.1:7202\",\"rttMs\":12.5,\"transmissions\":40,"
                        + "\"retransmissions\":2,\"nodeId\":null,\"path\":\"relayed (TURN)\"}"));
        assertThat(sample).isEqualTo(peer("bob", null, 12.5, 40, 2, "relayed (TURN)"));
    }

    @Test
    void shouldWriteRoundTripTimesAndLossCompactly() {
        assertThat(LinkQuality.rtt(0.04)).isEqualTo("0.0ms");
        assertThat(LinkQuality.rtt(9.96)).isEqualTo("10ms");
        assertThat(LinkQuality.rtt(1499)).isEqualTo("1.5s");
        assertThat(LinkQuality.percent(0.42)).isEqualTo("0.4%");
        assertThat(LinkQuality.percent(2.6)).isEqualTo("3%");
        assertThat(LinkQuality.percent(100)).isEqualTo("100%");
    }
}
