package io.elara.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A session's shared state: what a state change says, whose entry it touches, and who wins. */
class SessionStateTest {
    private static final SessionId TEAM = SessionId.forName("team");
    private final SplittableRandom random = new SplittableRandom(5);
    private final NodeId ann = node(1);
    private final NodeId ben = node(2);

    private static NodeId node(int seed) {
        byte[] key = new byte[NodeId.LENGTH];
        new Random(seed).nextBytes(key);
        return NodeId.of(key);
    }

    private Event change(NodeId author, long hlc, String text) {
        return new Event(EventId.random(random), TEAM, author, "m", hlc, 1, EventKind.STATE, text);
    }

    @Test
    void shouldParseKeyEqualsValueAndRefuseEverythingElse() {
        assertThat(SessionState.parse("presence=away lunch"))
                .isEqualTo(new SessionState.Change("presence", "away lunch"));
        assertThat(SessionState.parse("topic=a=b")).isEqualTo(new SessionState.Change("topic", "a=b"));
        assertThat(SessionState.parse("topic=")).isEqualTo(new SessionState.Change("topic", ""));
        assertThat(SessionState.parse("x-2=1")).isNotNull();
        for (String bad : List.of(
                "=x", "presence", "Presence=x", "2x=y", "to pic=x", "topic=two\nlines", "k".repeat(33) + "=x")) {
            assertThat(SessionState.parse(bad)).as(bad).isNull();
        }
        assertThat(SessionState.parse("topic=" + "é".repeat(256))).isNotNull();
        assertThat(SessionState.parse("topic=" + "é".repeat(257)))
                .as("513 bytes")
                .isNull();
    }

    @Test
    void shouldBuildPresenceOnlyFromAKnownStatus() {
        assertThat(SessionState.presence("Away", "  back at 3 ")).isEqualTo("away back at 3");
        assertThat(SessionState.presence("busy", "")).isEqualTo("busy");
        assertThatThrownBy(() -> SessionState.presence("gone", null))
                .hasMessage("unknown presence 'gone' (online, away, busy or offline)");
    }

    @Test
    void shouldKeepEachMembersPresenceItsOwnAndTheTopicShared() {
        SessionState state = new SessionState();
        state.apply(change(ann, 100, "presence=away"));
        state.apply(change(ben, 101, "presence=busy writing"));
        state.apply(change(ben, 102, "topic=release"));
        assertThat(state.presence(ann)).contains("away");
        assertThat(state.presence(ben)).contains("busy writing");
        assertThat(state.topic()).contains("release");

        // Ann sets the topic after ben; a later presence of ben's does not touch ann's.
        state.apply(change(ann, 103, "topic=freeze"));
        state.apply(change(ben, 104, "presence=online"));
        assertThat(state.topic()).contains("freeze");
        assertThat(state.presence(ann)).contains("away");
        assertThat(state.presence(ben)).contains("online");

        // An empty value clears; an older change arriving late does not bring it back.
        state.apply(change(ann, 105, "topic="));
        state.apply(change(ben, 102, "topic=release"));
        assertThat(state.topic()).isEmpty();
        assertThat(state.apply(change(ann, 106, "not a change"))).isFalse();
    }

    @Test
    void shouldReachTheSameStateInEveryOrderOfArrival() {
        // Goal: members that hold the same changes agree, whatever order they got them in (including ties on the
        // HLC, broken by the author). Method: 200 random changes by three authors on four keys, applied in 20
        // shuffled orders, some twice.
        List<NodeId> authors = List.of(ann, ben, node(3));
        List<String> keys = List.of("presence", "topic", "mood", "topic");
        List<Event> changes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String value = random.nextInt(5) == 0 ? "" : "v" + i;
            // Each author stamps each change anew, as its clock does; the three authors tie on every stamp.
            changes.add(change(authors.get(i % 3), 1_000 + i / 3, keys.get(random.nextInt(keys.size())) + "=" + value));
        }
        SessionState first = new SessionState();
        changes.forEach(first::apply);
        Random shuffle = new Random(9);
        for (int round = 0; round < 20; round++) {
            List<Event> order = new ArrayList<>(changes);
            order.addAll(changes.subList(0, 50));
            Collections.shuffle(order, shuffle);
            SessionState other = new SessionState();
            order.forEach(other::apply);
            assertThat(other.asLwwMap()).isEqualTo(first.asLwwMap());
        }
        assertThat(first.entries()).containsKeys("topic", "presence@" + ann, "mood@" + ben);
    }
}
