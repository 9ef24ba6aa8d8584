package io.elara.node.stage;

import static io.elara.node.stage.StageFixtures.NOW_MS;
import static io.elara.node.stage.StageFixtures.NOW_NS;
import static io.elara.node.stage.StageFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.HlcClock;
import io.elara.node.event.Event;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.session.SessionTable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidateStageTest {
    private final SessionTable sessions = new SessionTable();
    private final SessionId lobby = sessions.create("lobby", List.of()).id();
    private final ValidateStage stage = new ValidateStage(sessions, new HlcClock(60_000), 1024);

    @Test
    void shouldAcceptWellFormedEventOnce() {
        Event event = text(lobby, "hello\tworld\nsecond line");
        assertThat(stage.validate(event, false, NOW_NS)).isEqualTo(RejectReason.NONE);
        assertThat(stage.validate(event, false, NOW_NS)).isEqualTo(RejectReason.DUPLICATE);
    }

    @Test
    void shouldAcceptDirectMessages() {
        assertThat(stage.validate(text(SessionId.DIRECT, "hi"), false, NOW_NS)).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectUnknownSession() {
        Event event = text(SessionId.forName("elsewhere"), "hi");
        assertThat(stage.validate(event, false, NOW_NS)).isEqualTo(RejectReason.UNKNOWN_SESSION);
    }

    @Test
    void shouldRejectEmptyText() {
        assertThat(stage.validate(text(lobby, ""), false, NOW_NS)).isEqualTo(RejectReason.TEXT_EMPTY);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 1023, 1024})
    void shouldAcceptTextUpToTheLimit(int length) {
        assertThat(stage.validate(text(lobby, "x".repeat(length)), false, NOW_NS))
                .isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectTextOverTheLimitCountingUtf8Bytes() {
        assertThat(stage.validate(text(lobby, "x".repeat(1025)), false, NOW_NS)).isEqualTo(RejectReason.TEXT_TOO_LONG);
        // 342 three-byte characters are 1026 bytes though only 342 chars.
        assertThat(stage.validate(text(lobby, "語".repeat(342)), false, NOW_NS)).isEqualTo(RejectReason.TEXT_TOO_LONG);
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x00, 0x07, 0x0D, 0x1B, 0x7F, 0x80, 0x9B, 0x9F})
    void shouldRejectTerminalControlCharactersInText(int codePoint) {
        String text = "before" + (char) codePoint + "[31mafter";
        assertThat(stage.validate(text(lobby, text), false, NOW_NS)).isEqualTo(RejectReason.TEXT_CONTROL);
    }

    @ParameterizedTest(name = "name \"{0}\"")
    @ValueSource(strings = {"", " ada", "ada ", "a\nda", "a\u001bda", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"})
    void shouldRejectInvalidAuthorNames(String name) {
        Event event = text(lobby, name, "hi", Hlc.pack(NOW_MS, 0));
        assertThat(stage.validate(event, false, NOW_NS)).isEqualTo(RejectReason.NAME_INVALID);
    }

    @Test
    void shouldRejectRemoteClockTooFarAheadButNotLocalEvents() {
        Event ahead = text(lobby, "ada", "from the future", Hlc.pack(NOW_MS + 60_001, 0));
        assertThat(stage.validate(ahead, false, NOW_NS)).isEqualTo(RejectReason.HLC_FUTURE);
        Event justInside = text(lobby, "ada", "almost", Hlc.pack(NOW_MS + 60_000, 0));
        assertThat(stage.validate(justInside, false, NOW_NS)).isEqualTo(RejectReason.NONE);
        assertThat(stage.validate(ahead, true, NOW_NS)).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldNotRememberRejectedEventsAsSeen() {
        Event empty = text(lobby, "");
        assertThat(stage.validate(empty, false, NOW_NS)).isEqualTo(RejectReason.TEXT_EMPTY);
        Event fixed = new Event(empty.id(), lobby, empty.author(), "ada", empty.hlc(), empty.kind(), "now with text");
        assertThat(stage.validate(fixed, false, NOW_NS)).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldForgetOldestIdsBeyondTheBound() {
        Event first = text(lobby, "first");
        stage.validate(first, false, NOW_NS);
        for (int i = 0; i < ValidateStage.SEEN_EVENTS_MAX; i++) {
            stage.validate(text(lobby, "m"), false, NOW_NS);
        }
        assertThat(stage.validate(first, false, NOW_NS)).isEqualTo(RejectReason.NONE);
    }
}
