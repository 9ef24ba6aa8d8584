package io.elara.node.stage;

import static io.elara.node.stage.StageFixtures.NOW_MS;
import static io.elara.node.stage.StageFixtures.NOW_NS;
import static io.elara.node.stage.StageFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.HlcClock;
import io.elara.node.DeliveredEvent;
import io.elara.node.EventListener;
import io.elara.node.event.Event;
import io.elara.node.event.SessionId;
import io.elara.node.lane.SendReceipt;
import io.elara.node.session.Session;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMergePropagateStageTest {
    private final Session session = new Session(SessionId.forName("lobby"), "lobby", List.of());

    @Test
    void shouldMoveLocalClockPastRemoteEventWhenProcessing() {
        HlcClock clock = new HlcClock(60_000);
        ProcessStage stage = new ProcessStage(clock);
        long remote = Hlc.pack(NOW_MS + 5_000, 3);
        stage.process(text(session.id(), "ada", "from a fast clock", remote), session, false, NOW_NS);
        assertThat(clock.now(NOW_MS)).isGreaterThan(remote);
        assertThat(session.messages()).isEqualTo(1);
    }

    @Test
    void shouldLeaveClockAloneForLocalEvents() {
        HlcClock clock = new HlcClock(60_000);
        new ProcessStage(clock).process(text(session.id(), "ada", "mine", Hlc.pack(NOW_MS, 0)), session, true, NOW_NS);
        assertThat(clock.last()).isZero();
    }

    @Test
    void shouldMergeIdempotentlyAndReadBackInCausalOrder() {
        MergeStage merge = new MergeStage();
        Event late = text(session.id(), "ada", "second", Hlc.pack(NOW_MS, 2));
        Event early = text(session.id(), "ada", "first", Hlc.pack(NOW_MS, 1));
        assertThat(merge.merge(late, session)).isTrue();
        assertThat(merge.merge(early, session)).isTrue();
        assertThat(merge.merge(late, session)).isFalse();
        assertThat(session.log().ordered()).extracting(Event::text).containsExactly("first", "second");
    }

    @Test
    void shouldDeliverToListenersInOrderAndHandBacklogWithoutGapOrOverlap() {
        PropagateStage stage = new PropagateStage(4);
        for (int i = 0; i < 5; i++) {
            stage.propagate(text(session.id(), "m" + i), session, List.of(), null, null, NOW_NS);
        }
        List<String> seen = new ArrayList<>();
        List<DeliveredEvent> backlog =
                stage.subscribe(event -> seen.add(event.event().text()), 3);
        stage.propagate(text(session.id(), "m5"), session, List.of(), null, null, NOW_NS);
        assertThat(backlog).extracting(d -> d.event().text()).containsExactly("m2", "m3", "m4");
        assertThat(seen).containsExactly("m5");
        assertThat(stage.delivered()).isEqualTo(6);
    }

    @Test
    void shouldMarkLocalEventsAndKeepDeliveringWhenOneListenerFails() {
        PropagateStage stage = new PropagateStage(4);
        List<DeliveredEvent> seen = new ArrayList<>();
        EventListener broken = event -> {
            throw new IllegalStateException("a buggy subscriber");
        };
        stage.subscribe(broken, 0);
        stage.subscribe(seen::add, 0);
        SendReceipt receipt = new SendReceipt() {
            @Override
            public void acknowledged(String peer) {}

            @Override
            public void failed(String peer, String reason) {}
        };
        stage.propagate(text(session.id(), "mine"), session, List.of(), receipt, null, NOW_NS);
        stage.propagate(text(session.id(), "theirs"), session, List.of(), null, null, NOW_NS);
        assertThat(seen).extracting(DeliveredEvent::local).containsExactly(true, false);
        assertThat(seen).extracting(DeliveredEvent::session).containsOnly("lobby");
        assertThat(stage.listenerFailures()).isEqualTo(2);
    }

    @Test
    void shouldRefuseSubscribersBeyondTheLimit() {
        PropagateStage stage = new PropagateStage(2);
        assertThat(stage.subscribe(event -> {}, 0)).isNotNull();
        assertThat(stage.subscribe(event -> {}, 0)).isNotNull();
        assertThat(stage.subscribe(event -> {}, 0)).isNull();
        assertThat(stage.subscribers()).isEqualTo(2);
    }
}
