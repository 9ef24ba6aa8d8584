package io.elara.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.DeliveredEvent;
import io.elara.node.SendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DemoSessionTest {
    @Test
    void shouldCountWordsAndCharacters() {
        assertThat(DemoSession.countReply(1, "Hello there"))
                .isEqualTo("That was message 1 from you: 2 words, 11 characters.");
        assertThat(DemoSession.countReply(2, "x")).isEqualTo("That was message 2 from you: 1 word, 1 character.");
        assertThat(DemoSession.countReply(3, "  ")).isEqualTo("That was message 3 from you: 0 words, 2 characters.");
        assertThat(DemoSession.countReply(4, "日本 🎉")).isEqualTo("That was message 4 from you: 2 words, 4 characters.");
    }

    @Test
    void shouldHaveBothBotsAnswerEveryMessageOverRealSockets() throws Exception {
        try (DemoSession session = DemoSession.start()) {
            SendResult result = session.say("ping").get(10, TimeUnit.SECONDS);
            assertThat(result.acknowledgedBy()).containsExactlyInAnyOrder("echo", "counter");
            List<String> seen = new ArrayList<>();
            while (seen.size() < 3) {
                DeliveredEvent event = session.next(10_000);
                assertThat(event)
                        .as("an event within 10 s; seen so far " + seen)
                        .isNotNull();
                seen.add(event.event().authorName() + ": " + event.event().text());
            }
            assertThat(seen)
                    .containsExactlyInAnyOrder(
                            "you: ping",
                            "echo: You said: ping",
                            "counter: That was message 1 from you: 1 word, 4 characters.");
            assertThat(seen.get(0)).isEqualTo("you: ping");
        }
    }
}
