package io.elara.node.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.NodeId;
import io.elara.node.DeliveredEvent;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.channel.Message;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.testing.clock.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The flow engine on a manual clock, with recording adapters and workers that run when the test says: every step
 * kind, routes, timers, dead letters, and the order of everything.
 */
class FlowEngineTest {
    private static final long START_MS = 1_767_225_600_000L;

    private final ManualClock clock = new ManualClock(START_MS * 1_000_000L);
    private final DataflowExecutor executor = new DataflowExecutor(clock::nowNs);
    private final RecordingIo io = new RecordingIo();
    private final Random random = new Random(7);

    /** Adapters that record what they were asked; blocking steps queue their work until {@link #runWorkers}. */
    private static final class RecordingIo implements FlowIo {
        final List<String> effects = new ArrayList<>();
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        final ArrayDeque<Runnable> work = new ArrayDeque<>();
        /** Text that makes the exec adapter fail. */
        String failOn = "boom";

        @Override
        public Message<FlowEvent> effect(String flow, StepSpec step, Message<FlowEvent> message) throws FlowFailure {
            String text = message.body().text();
            effects.add(flow + " " + step.label() + ": " + text);
            if (step instanceof StepSpec.ExecStep exec) {
                if (text.contains(failOn)) {
                    throw new FlowFailure("'" + String.join(" ", exec.command()) + "' exited with 1");
                }
                return FlowEvent.withText(message, text.toUpperCase(java.util.Locale.ROOT));
            }
            return message;
        }

        @Override
        public Executor worker(String flow, StepSpec step) {
            return work::add;
        }

        @Override
        public CompletableFuture<SendResult> send(SendTarget target, String text) {
            sent.add(target + ": " + text);
            CompletableFuture<SendResult> result = new CompletableFuture<>();
            sends.add(result);
            return result;
        }

        @Override
        public void deadLetter(DeadLetter letter) {
            deadLetters.add(letter);
        }
    }

    private FlowEngine engine(String flowsYaml) throws ConfigException {
        NodeConfig config = NodeConfig.builder("bot")
                .peer("alice", "127.0.0.1:7001")
                .peer("bob", "127.0.0.1:7002")
                .session("lobby", "alice", "bob")
                .session("ops", "alice")
                .flowsYaml(flowsYaml)
                .build();
        return new FlowEngine(config.flows(), executor, io, clock::nowNs, 64);
    }

    private DeliveredEvent event(String session, String author, String text, boolean local) {
        SessionId id = session.equals("direct") ? SessionId.DIRECT : SessionId.forName(session);
        byte[] key = new byte[NodeId.LENGTH];
        new Random(author.hashCode()).nextBytes(key);
        Event event = new Event(
                new EventId(random.nextLong(), random.nextLong()),
                id,
                NodeId.of(key),
                author,
                Hlc.pack(START_MS, 0),
                EventKind.TEXT,
                text);
        return new DeliveredEvent(event, session, local, local ? null : author);
    }

    /** Runs cycles until the executor has nothing left to do now. */
    private void settle() {
        for (int i = 0; i < 100 && (executor.runCycle() > 0 || executor.hasNotifications()); i++) {
            // each cycle moves messages one batch further
        }
    }

    private void runWorkers() {
        settle();
        while (!io.work.isEmpty()) {
            io.work.poll().run();
        }
        settle();
    }

    @Test
    void shouldFilterTransformAndReplyIntoTheSessionButNeverToItsOwnEvents() throws Exception {
        FlowEngine engine = engine("""
                - name: echo
                  steps:
                    - filter: 'kind == "text" and not text startsWith "!"'
                    - transform: '{author} said {text}'
                    - reply: 'echo: {text}'
                """);
        engine.offer(event("lobby", "alice", "hello", false));
        engine.offer(event("lobby", "alice", "!ignored", false));
        engine.offer(event("lobby", "bot", "my own words", true));
        engine.offer(event("direct", "bob", "psst", false));
        settle();

        assertThat(io.sent).containsExactly("session lobby: echo: alice said hello", "bob: echo: bob said psst");
        assertThat(engine.counters().entered()).isEqualTo(3);
        assertThat(engine.counters().completed()).isEqualTo(2);
    }

    @Test
    void shouldTakeOnlyTheListedSessionsAndOwnEventsWhenAsked() throws Exception {
        FlowEngine engine = engine("""
                - name: recorder
                  sessions: [ops]
                  include-own: true
                  steps:
                    - file: {path: ops.jsonl}
                """);
        engine.offer(event("lobby", "alice", "not recorded", false));
        engine.offer(event("ops", "alice", "theirs", false));
        engine.offer(event("ops", "bot", "mine", true));
        runWorkers();

        assertThat(io.effects).containsExactly("recorder steps[0] file: theirs", "recorder steps[0] file: mine");
    }

    @Test
    void shouldSplitIntoPartsAndAggregateByCountInOrder() throws Exception {
        FlowEngine engine = engine("""
                - name: words
                  steps:
                    - split: {on: '\\s+'}
                    - aggregate: {count: 2, separator: '+', timeout: 1m}
                    - reply: '{text} ({headers.aggregated})'
                """);
        engine.offer(event("lobby", "alice", "a b c", false));
        settle();
        assertThat(io.sent).containsExactly("session lobby: a+b (2)");
        engine.offer(event("lobby", "alice", "d", false));
        settle();
        assertThat(io.sent).containsExactly("session lobby: a+b (2)", "session lobby: c+d (2)");
    }

    @Test
    void shouldFlushAPartialAggregateWhenItsTimeoutPasses() throws Exception {
        FlowEngine engine = engine("""
                - name: digest
                  steps:
                    - aggregate: {count: 100, timeout: 2s, key: '{author}'}
                    - reply: 'digest of {author}: {text}'
                """);
        engine.offer(event("lobby", "alice", "one", false));
        settle();
        clock.advance(Duration.ofSeconds(1));
        engine.offer(event("lobby", "bob", "uno", false));
        engine.offer(event("lobby", "alice", "two", false));
        settle();
        assertThat(io.sent).isEmpty();
        assertThat(executor.nextDeadlineNs())
                .isEqualTo(clock.nowNs() + Duration.ofSeconds(1).toNanos());

        clock.advance(Duration.ofSeconds(1));
        settle();
        assertThat(io.sent).containsExactly("session lobby: digest of alice: one\ntwo");

        clock.advance(Duration.ofSeconds(1));
        settle();
        assertThat(io.sent)
                .containsExactly("session lobby: digest of alice: one\ntwo", "session lobby: digest of bob: uno");
        assertThat(executor.armedTimerCount()).isZero();
    }

    @Test
    void shouldRouteEachMessageToTheFirstMatchingFlowOnly() throws Exception {
        FlowEngine engine = engine("""
                - name: triage
                  steps:
                    - route:
                        - when: 'text startsWith "!"'
                          to: commands
                        - when: 'author == "bob"'
                          to: from-bob
                        - to: rest
                - name: commands
                  from: route
                  steps: [{reply: 'command {text}'}]
                - name: from-bob
                  from: route
                  steps: [{reply: 'bob says {text}'}]
                - name: rest
                  from: route
                  steps: [{transform: 'other: {text}'}, {send: {session: ops}}]
                """);
        engine.offer(event("lobby", "bob", "!help", false));
        engine.offer(event("lobby", "bob", "hi", false));
        engine.offer(event("lobby", "alice", "hey", false));
        settle();
        assertThat(io.sent)
                .containsExactlyInAnyOrder(
                        "session lobby: command !help", "session lobby: bob says hi", "session ops: other: hey");
        assertThat(engine.counters().entered()).isEqualTo(3);
    }

    @Test
    void shouldPassCommandOutputOnAndDeadLetterAFailingCommandWithItsReason() throws Exception {
        FlowEngine engine = engine("""
                - name: bridge
                  steps:
                    - exec: {command: [tr, a-z, A-Z], timeout: 2s}
                    - reply: '{text}'
                """);
        engine.offer(event("lobby", "alice", "make me loud", false));
        engine.offer(event("lobby", "alice", "boom", false));
        engine.offer(event("lobby", "alice", "after the failure", false));
        settle();
        assertThat(io.sent).as("nothing passes before the worker has run").isEmpty();
        runWorkers();

        assertThat(io.sent).containsExactly("session lobby: MAKE ME LOUD", "session lobby: AFTER THE FAILURE");
        assertThat(io.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.flow()).isEqualTo("bridge");
            assertThat(letter.step()).isEqualTo("steps[0] exec");
            assertThat(letter.reason()).isEqualTo("'tr a-z A-Z' exited with 1");
            assertThat(letter.message().body().text()).isEqualTo("boom");
        });
        assertThat(engine.counters().deadLetters()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAReplyThatIsNotAcknowledged() throws Exception {
        FlowEngine engine = engine("""
                - name: echo
                  steps: [{reply: 'echo {text}'}]
                """);
        engine.offer(event("lobby", "alice", "hi", false));
        settle();
        io.sends.get(0).complete(new SendResult(new EventId(1, 2), List.of("alice"), Map.of("bob", "no answer")));
        assertThat(io.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.step()).isEqualTo("steps[0] reply");
            assertThat(letter.reason()).isEqualTo("send to session lobby not acknowledged: {bob=no answer}");
        });
    }

    @Test
    void shouldCountEventsThatFindTheInputFull() throws Exception {
        FlowEngine engine = engine("""
                - name: echo
                  steps: [{reply: '{text}'}]
                """);
        for (int i = 0; i < 70; i++) {
            engine.offer(event("lobby", "alice", "m" + i, false));
        }
        assertThat(engine.counters().inputDropped()).isEqualTo(6);
        settle();
        assertThat(io.sent).hasSize(64).startsWith("session lobby: m0").endsWith("session lobby: m63");
    }

    @Test
    void shouldKeepAtMostTheInFlightLimitOnAWorkerAndTheRestInOrder() throws Exception {
        FlowEngine engine = engine("""
                - name: slow
                  steps: [{exec: {command: [cat]}}, {reply: '{text}'}]
                """);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 50; i++) {
                engine.offer(event("lobby", "alice", "m" + (round * 50 + i), false));
            }
            settle();
        }
        assertThat(io.work).hasSize(FlowEngine.IN_FLIGHT_MAX);
        runWorkers();
        runWorkers();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("session lobby: M" + i);
        }
        assertThat(io.sent).isEqualTo(expected);
    }
}
