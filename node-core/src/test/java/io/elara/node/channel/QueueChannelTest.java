package io.elara.node.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueChannelTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long START_NS = 1_767_225_600_000_000_000L;

    private final AtomicLong nowNs = new AtomicLong(START_NS);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive())
                    .as("%s still running", thread.getName())
                    .isFalse();
        }
    }

    @Test
    void shouldReturnMessagesInOfferOrderWhenPolledAcrossSeveralLaps() {
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(8).build();
        int next = 0;
        List<Integer> received = new ArrayList<>();
        for (int lap = 0; lap < 5; lap++) {
            for (int index = 0; index < 6; index++) {
                assertThat(channel.offer(message(next++))).isEqualTo(OfferResult.ACCEPTED);
            }
            assertThat(channel.size()).isEqualTo(6);
            Message<Integer> message;
            while ((message = channel.poll()) != null) {
                received.add(message.body());
            }
        }

        assertThat(received).hasSize(30).isSorted();
        assertThat(channel.size()).isZero();
        assertThat(channel.poll()).isNull();
    }

    @Test
    void shouldStopAtTheLimitWhenDraining() {
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(8).build();
        fill(channel, 5);
        List<Integer> received = new ArrayList<>();

        assertThat(channel.drain(message -> received.add(message.body()), 3)).isEqualTo(3);
        assertThat(channel.drain(message -> received.add(message.body()), 3)).isEqualTo(2);

        assertThat(received).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldRefuseAndCountWhenFullUnderFail() {
        QueueChannel<Integer> channel =
                QueueChannel.<Integer>builder(4).overflow(OverflowPolicy.FAIL).build();
        fill(channel, 4);

        assertThat(channel.offer(message(4))).isEqualTo(OfferResult.REJECTED_FULL);
        assertThat(channel.send(message(5))).isFalse();

        assertThat(bodies(channel)).containsExactly(0, 1, 2, 3);
        assertThat(channel.counters()).isEqualTo(new QueueChannel.Counters(6, 4, 0, 0, 2, 0, 1));
    }

    @Test
    void shouldDiscardTheOfferAndCountWhenFullUnderDropNewest() {
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(4)
                .overflow(OverflowPolicy.DROP_NEWEST)
                .build();
        fill(channel, 4);

        assertThat(channel.offer(message(4))).isEqualTo(OfferResult.DROPPED_NEWEST);

        assertThat(bodies(channel)).containsExactly(0, 1, 2, 3);
        assertThat(channel.counters()).isEqualTo(new QueueChannel.Counters(5, 4, 0, 1, 0, 0, 1));
    }

    @Test
    void shouldDiscardTheOldestAndCountWhenFullUnderDropOldest() {
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(4)
                .overflow(OverflowPolicy.DROP_OLDEST)
                .build();
        fill(channel, 4);

        assertThat(channel.offer(message(4))).isEqualTo(OfferResult.ACCEPTED_DROPPED_OLDEST);
        assertThat(channel.offer(message(5))).isEqualTo(OfferResult.ACCEPTED_DROPPED_OLDEST);

        assertThat(bodies(channel)).containsExactly(2, 3, 4, 5);
        assertThat(channel.counters()).isEqualTo(new QueueChannel.Counters(6, 6, 2, 0, 0, 0, 1));
    }

    @Test
    void shouldUnblockTheProducerWhenTheConsumerDrains() {
        QueueChannel<Integer> channel = blockingChannel(2);
        fill(channel, 2);
        AtomicReference<OfferResult> result = new AtomicReference<>();

        start("producer", () -> result.set(channel.offer(message(2))));
        Await.until(() -> channel.counters().blocked() == 1, WAIT, "the producer to block");
        assertThat(result.get()).isNull();
        assertThat(channel.poll().body()).isZero();

        Await.until(() -> result.get() != null, WAIT, "the blocked offer to complete");
        assertThat(result.get()).isEqualTo(OfferResult.ACCEPTED);
        assertThat(bodies(channel)).containsExactly(1, 2);
        assertThat(channel.counters().failed()).isZero();
    }

    @Test
    void shouldTimeOutAndCountWhenTheDeadlinePassesWhileBlocked() {
        QueueChannel<Integer> channel = blockingChannel(2);
        fill(channel, 2);
        long deadlineNs = START_NS + 1_000_000L;
        AtomicReference<OfferResult> result = new AtomicReference<>();

        start("producer", () -> result.set(channel.offer(message(2), deadlineNs)));
        Await.until(() -> channel.counters().blocked() == 1, WAIT, "the producer to block");
        nowNs.set(deadlineNs - 1);
        assertThat(result.get()).isNull();
        nowNs.set(deadlineNs);

        Await.until(() -> result.get() != null, WAIT, "the blocked offer to give up");
        assertThat(result.get()).isEqualTo(OfferResult.TIMED_OUT);
        assertThat(bodies(channel)).containsExactly(0, 1);
        assertThat(channel.counters()).isEqualTo(new QueueChannel.Counters(3, 2, 0, 0, 1, 1, 1));
    }

    @Test
    void shouldTimeOutWithoutParkingWhenTheDeadlineHasAlreadyPassed() {
        QueueChannel<Integer> channel = blockingChannel(2);
        fill(channel, 2);

        assertThat(channel.offer(message(2), START_NS)).isEqualTo(OfferResult.TIMED_OUT);

        assertThat(channel.counters().blocked()).isZero();
        assertThat(channel.counters().failed()).isEqualTo(1);
    }

    @Test
    void shouldGiveUpAndKeepTheFlagWhenTheBlockedProducerIsInterrupted() {
        QueueChannel<Integer> channel = blockingChannel(2);
        fill(channel, 2);
        AtomicReference<OfferResult> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();

        Thread producer = start("producer", () -> {
            result.set(channel.offer(message(2)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Await.until(() -> channel.counters().blocked() == 1, WAIT, "the producer to block");
        producer.interrupt();

        Await.until(() -> stillInterrupted.get() != null, WAIT, "the interrupted offer to return");
        assertThat(result.get()).isEqualTo(OfferResult.INTERRUPTED);
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(channel.counters().failed()).isEqualTo(1);
    }

    @Test
    void shouldRefuseToBuildWhenBlockHasNoClock() {
        QueueChannel.Builder<Integer> builder = QueueChannel.<Integer>builder(4).overflow(OverflowPolicy.BLOCK);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 3, 6, 1 << 31})
    void shouldRefuseWhenTheCapacityIsNotAPowerOfTwo(int capacity) {
        assertThatThrownBy(() -> QueueChannel.<Integer>builder(capacity)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotArmTheWakeUpWhenASpinningConsumerFindsTheQueueEmpty() {
        AtomicInteger wakeUps = new AtomicInteger();
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(8)
                .wakeUp(wakeUps::incrementAndGet)
                .build();
        channel.offer(message(0));
        assertThat(wakeUps).as("a new channel starts armed").hasValue(1);
        assertThat(channel.tryPoll().body()).isZero();
        assertThat(channel.tryPoll()).isNull();
        channel.offer(message(1));
        assertThat(wakeUps).as("tryPoll found it empty but did not arm").hasValue(1);
        assertThat(channel.tryPoll().body()).isEqualTo(1);
        assertThat(channel.poll()).isNull();
        channel.offer(message(2));
        assertThat(wakeUps).as("poll armed").hasValue(2);
    }

    @Test
    void shouldWakeTheConsumerOnlyWhenTheQueueBecomesNonEmpty() {
        AtomicInteger wakeUps = new AtomicInteger();
        QueueChannel<Integer> channel = QueueChannel.<Integer>builder(8)
                .wakeUp(wakeUps::incrementAndGet)
                .build();

        channel.offer(message(0));
        assertThat(wakeUps).hasValue(1);
        channel.offer(message(1));
        assertThat(wakeUps).hasValue(1);

        assertThat(channel.poll().body()).isZero();
        channel.offer(message(2));
        assertThat(wakeUps).as("the consumer has not seen the queue empty yet").hasValue(1);

        assertThat(channel.drain(message -> {}, 2)).isEqualTo(2);
        channel.offer(message(3));
        assertThat(wakeUps).as("a drain that stops at its limit does not arm").hasValue(1);

        assertThat(channel.drain(message -> {}, 8)).isEqualTo(1);
        assertThat(wakeUps).hasValue(1);
        channel.offer(message(4));
        assertThat(wakeUps).hasValue(2);

        assertThat(channel.poll().body()).isEqualTo(4);
        assertThat(channel.poll()).isNull();
        channel.offer(message(5));
        assertThat(wakeUps).hasValue(3);
        assertThat(channel.counters().wakeUps()).isEqualTo(3);
    }

    /**
     * Several producers against a consumer that parks with no timeout whenever it finds the queue empty and relies on
     * the wake-up alone: a lost wake-up leaves it parked and the test times out. Each message must arrive exactly
     * once and in its producer's order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"BLOCK", "FAIL"})
    void shouldDeliverEveryMessageOnceInProducerOrderWhenProducersRace(String policyName) {
        OverflowPolicy policy = OverflowPolicy.valueOf(policyName);
        int producers = 4;
        int perProducer = 50_000;
        AtomicReference<Thread> consumerThread = new AtomicReference<>();
        QueueChannel<Item> channel = QueueChannel.<Item>builder(16)
                .overflow(policy)
                .clock(nowNs::get)
                .wakeUp(() -> LockSupport.unpark(consumerThread.get()))
                .build();
        int[] next = new int[producers];
        AtomicInteger received = new AtomicInteger();
        AtomicReference<String> violation = new AtomicReference<>();

        consumerThread.set(start("consumer", () -> {
            while (received.get() < producers * perProducer
                    && !Thread.currentThread().isInterrupted()) {
                int taken = channel.drain(
                        message -> {
                            Item item = message.body();
                            if (item.sequence() != next[item.producer()] && violation.get() == null) {
                                violation.set("producer " + item.producer() + ": expected " + next[item.producer()]
                                        + ", got " + item.sequence());
                            }
                            next[item.producer()] = item.sequence() + 1;
                            received.incrementAndGet();
                        },
                        64);
                if (taken < 64) {
                    LockSupport.park(channel);
                }
            }
        }));
        for (int producer = 0; producer < producers; producer++) {
            int id = producer;
            start("producer-" + id, () -> {
                for (int sequence = 0; sequence < perProducer; sequence++) {
                    Message<Item> message = Message.of(sequence, new Item(id, sequence), 0L);
                    while (!channel.send(message)) {
                        Thread.onSpinWait();
                    }
                }
            });
        }

        Await.until(
                () -> received.get() == producers * perProducer,
                WAIT,
                () -> "all messages; received " + received.get() + ", queued " + channel.size()
                        + " (a queued message with a parked consumer is a lost wake-up)");
        assertThat(violation.get()).isNull();
        for (int producer = 0; producer < producers; producer++) {
            assertThat(next[producer]).isEqualTo(perProducer);
        }
        assertThat(channel.counters().accepted()).isEqualTo((long) producers * perProducer);
    }

    @Test
    void shouldNeverDuplicateOrReorderWhenProducersRaceUnderDropOldest() {
        int producers = 4;
        int perProducer = 50_000;
        QueueChannel<Item> channel = QueueChannel.<Item>builder(16)
                .overflow(OverflowPolicy.DROP_OLDEST)
                .build();
        int[] next = new int[producers];
        AtomicInteger received = new AtomicInteger();
        AtomicInteger producing = new AtomicInteger(producers);
        AtomicReference<String> violation = new AtomicReference<>();
        MessageHandler<Item> check = message -> {
            Item item = message.body();
            if (item.sequence() < next[item.producer()] && violation.get() == null) {
                violation.set("producer " + item.producer() + ": got " + item.sequence() + " after "
                        + (next[item.producer()] - 1));
            }
            next[item.producer()] = item.sequence() + 1;
            received.incrementAndGet();
        };
        AtomicReference<Boolean> consumerDone = new AtomicReference<>();

        start("consumer", () -> {
            while (producing.get() > 0 && !Thread.currentThread().isInterrupted()) {
                channel.drain(check, 64);
            }
            channel.drain(check, Integer.MAX_VALUE);
            consumerDone.set(true);
        });
        for (int producer = 0; producer < producers; producer++) {
            int id = producer;
            start("producer-" + id, () -> {
                for (int sequence = 0; sequence < perProducer; sequence++) {
                    assertThat(channel.offer(Message.of(sequence, new Item(id, sequence), 0L))
                                    .accepted())
                            .isTrue();
                }
                producing.decrementAndGet();
            });
        }

        Await.until(() -> consumerDone.get() != null, WAIT, "the consumer to finish");
        assertThat(violation.get()).isNull();
        QueueChannel.Counters counters = channel.counters();
        assertThat(received.get() + counters.droppedOldest()).isEqualTo((long) producers * perProducer);
        assertThat(counters.accepted()).isEqualTo((long) producers * perProducer);
    }

    private record Item(int producer, int sequence) {}

    private QueueChannel<Integer> blockingChannel(int capacity) {
        return QueueChannel.<Integer>builder(capacity)
                .overflow(OverflowPolicy.BLOCK)
                .clock(nowNs::get)
                .build();
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, "queue-channel-test-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static Message<Integer> message(int body) {
        return Message.of(body, body, 0L);
    }

    private static void fill(QueueChannel<Integer> channel, int count) {
        for (int body = 0; body < count; body++) {
            assertThat(channel.offer(message(body))).isEqualTo(OfferResult.ACCEPTED);
        }
    }

    private static List<Integer> bodies(QueueChannel<Integer> channel) {
        List<Integer> bodies = new ArrayList<>();
        channel.drain(message -> bodies.add(message.body()), Integer.MAX_VALUE);
        return bodies;
    }
}
