package io.elara.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** How a member's connection and liveness read in {@code elara session list} and the chat's {@code /who}. */
class HumanFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode member(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void shouldSayWhetherAMemberAnswersAndSinceWhenItIsSilent() throws Exception {
        assertThat(HumanFormat.member(member("{\"self\":true,\"connected\":true,\"liveness\":\"online\"}")))
                .isEqualTo("this node");
        assertThat(HumanFormat.member(member("{\"connected\":true,\"liveness\":\"online\",\"lastSeenAgoMs\":120}")))
                .isEqualTo("connected");
        assertThat(HumanFormat.member(member("{\"connected\":true,\"liveness\":\"suspect\",\"lastSeenAgoMs\":25400}")))
                .isEqualTo("connected, not answering for 25s (suspect)");
        assertThat(HumanFormat.member(member("{\"connected\":false,\"liveness\":\"online\","
                        + "\"vouchedBy\":\"carol\",\"lastSeenAgoMs\":80000}")))
                .isEqualTo("not connected, answering through carol");
        assertThat(HumanFormat.member(
                        member("{\"connected\":false,\"liveness\":\"offline\",\"lastSeenAgoMs\":185000}")))
                .isEqualTo("not connected, offline, last seen 3m ago");
        assertThat(HumanFormat.member(member("{\"connected\":false,\"liveness\":\"offline\",\"lastSeenAgoMs\":-1}")))
                .isEqualTo("not connected, offline");
        assertThat(HumanFormat.member(member("{\"connected\":false,\"liveness\":\"unknown\",\"lastSeenAgoMs\":-1}")))
                .as("an overlay member this node does not watch")
                .isEqualTo("not connected");
    }

    @Test
    void shouldRoundDurationsForPeople() {
        assertThat(HumanFormat.duration(450)).isEqualTo("450ms");
        assertThat(HumanFormat.duration(119_999)).isEqualTo("119s");
        assertThat(HumanFormat.duration(7_199_000)).isEqualTo("119m");
        assertThat(HumanFormat.duration(7_200_000)).isEqualTo("2h");
        assertThat(HumanFormat.duration(3L * 86_400_000)).isEqualTo("3d");
    }
}
