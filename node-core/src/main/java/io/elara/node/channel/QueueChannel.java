package io.elara.node.channel;

import io.elara.node.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded FIFO of messages from any number of producer threads to one consumer thread.
 *
 * <p><b>Threads.</b> {@link #offer}, {@link #send} and {@link #counters} may be called from any thread. {@link #poll}
 * and {@link #drain} belong to one consumer thread at a time (the consuming executor or event loop). {@link #size} is
 * a snapshot, callable from anywhere.
 *
 * <p><b>Algorithm.</b> A power-of-two ring of slots, each with a sequence number (after Dmitry Vyukov's bounded queue).
 * A producer claims a position with one CAS on the tail, writes the message into the slot and publishes it by setting
 * the slot's sequence; the consumer takes a slot whose sequence says "published" and hands the slot back to producers
 * one lap later by setting the sequence again. Neither side takes a lock, and an offer or a poll allocates nothing.
 * With {@link OverflowPolicy#DROP_OLDEST} producers also take from the head to evict, so the consumer advances the
 * head with a CAS too; with the other policies only the consumer writes the head.
 *
 * <p><b>Overflow.</b> Chosen at construction ({@link OverflowPolicy}); every outcome is counted ({@link #counters}).
 * {@code BLOCK} parks the producer with {@link LockSupport#parkNanos}; the consumer unparks waiting producers as it
 * frees slots, and a producer re-checks its deadline on the channel's {@link Clock} at least every {@link
 * #PARK_NS_MAX} nanoseconds.
 *
 * <p><b>Wake-up.</b> The consumer's wake-up hook runs, on the producer's thread, when a message arrives in a queue the
 * consumer last saw empty: the consumer "arms" the hook whenever {@link #poll} or {@link #drain} finds nothing, and the
 * first producer to publish after that disarms and runs it. Producer and consumer each write their side (the slot, the
 * armed flag) before reading the other's, so at least one of them sees the other: no wake-up is lost. A rare spare
 * wake-up is possible when the consumer finds a message itself just as a producer fires. The hook must not block or
 * throw, and must latch (like {@link LockSupport#unpark} or submitting a task), since it may run just before the
 * consumer goes to sleep. When {@link #drain} stops at its limit the hook stays disarmed: the consumer saw work and
 * must come back for the rest itself.
 */
public final class QueueChannel<T> extends QueueCursors.Fields implements MessageChannel<T> {
    /** Slots, at least: with one slot, "published" and "free for the next lap" would be the same sequence. */
    public static final int CAPACITY_MIN = 2;
    /** Slots, at most. */
    public static final int CAPACITY_MAX = 1 << 30;
    /** A blocked producer re-checks its deadline at least this often, in nanoseconds. */
    public static final long PARK_NS_MAX = 1_000_000L;
    /** The deadline of an offer that waits for as long as it takes. */
    public static final long NO_DEADLINE_NS = Long.MAX_VALUE;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle ARMED;
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(QueueCursors.Head.class, "head", long.class);
            TAIL = lookup.findVarHandle(QueueCursors.Tail.class, "tail", long.class);
            ARMED = lookup.findVarHandle(QueueCursors.Armed.class, "wakeUpArmed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int mask;
    /** Per slot: {@code position} when free for the producer of that position, {@code position + 1} when published. */
    private final long[] sequences;

    private final Object[] messages;
    private final OverflowPolicy policy;
    private final Clock clock;
    private final Runnable wakeUp;
    /** Producers evict from the head ({@link OverflowPolicy#DROP_OLDEST}), so the head needs a CAS. */
    private final boolean sharedHead;
    /** Producers may park ({@link OverflowPolicy#BLOCK}), so the consumer must look for them after freeing a slot. */
    private final boolean blocking;

    private final AtomicInteger waitingProducers = new AtomicInteger();
    private final ConcurrentLinkedQueue<Thread> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong droppedOldest = new AtomicLong();
    private final AtomicLong droppedNewest = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong blocked = new AtomicLong();
    private final AtomicLong wakeUps = new AtomicLong();

    private QueueChannel(Builder<T> builder) {
        this.capacity = builder.capacity;
        this.mask = capacity - 1;
        this.sequences = new long[capacity];
        for (int index = 0; index < capacity; index++) {
            sequences[index] = index;
        }
        this.messages = new Object[capacity];
        this.policy = builder.policy;
        this.clock = builder.clock;
        this.wakeUp = builder.wakeUp;
        this.sharedHead = policy == OverflowPolicy.DROP_OLDEST;
        this.blocking = policy == OverflowPolicy.BLOCK;
    }

    /**
     * Starts a channel of {@code capacity} slots, a power of two from {@link #CAPACITY_MIN} to {@link #CAPACITY_MAX}. Defaults: {@link
     * OverflowPolicy#FAIL}, no wake-up hook.
     */
    public static <T> Builder<T> builder(int capacity) {
        return new Builder<>(capacity);
    }

    /** Offers with no deadline and reports whether the message was queued. Any thread. */
    @Override
    public boolean send(Message<T> message) {
        return offer(message, NO_DEADLINE_NS).accepted();
    }

    /**
     * Offers {@code message}; when the channel is full, applies its overflow policy ({@code BLOCK} waits with no
     * deadline). Any thread.
     */
    public OfferResult offer(Message<T> message) {
        return offer(message, NO_DEADLINE_NS);
    }

    /**
     * Offers {@code message}; when the channel is full, applies its overflow policy. {@code deadlineNs} is a time on
     * the channel's clock after which a {@code BLOCK} offer gives up ({@link #NO_DEADLINE_NS} for none); the other
     * policies never wait and ignore it. Any thread.
     */
    public OfferResult offer(Message<T> message, long deadlineNs) {
        Objects.requireNonNull(message, "message");
        if (tryOffer(message)) {
            return OfferResult.ACCEPTED;
        }
        return switch (policy) {
            case BLOCK -> offerBlocking(message, deadlineNs);
            case DROP_OLDEST -> offerDroppingOldest(message);
            case DROP_NEWEST -> {
                droppedNewest.incrementAndGet();
                yield OfferResult.DROPPED_NEWEST;
            }
            case FAIL -> {
                failed.incrementAndGet();
                yield OfferResult.REJECTED_FULL;
            }
        };
    }

    /**
     * Takes the oldest message, or null when there is none, without arming the wake-up: for a consumer that will look
     * again soon anyway (one that spins, or an executor in spin mode). Arming costs the next producer a compare-and-set
     * on a line the consumer also writes, so a consumer that never sleeps should not arm. Consumer thread only.
     */
    public Message<T> tryPoll() {
        return take();
    }

    /** Takes the oldest message, or null when there is none (and arms the wake-up). Consumer thread only. */
    public Message<T> poll() {
        Message<T> message = take();
        return message != null ? message : takeOrArm();
    }

    /**
     * Hands up to {@code limit} messages, oldest first, to {@code handler} on this (the consumer) thread and returns
     * how many. Fewer than {@code limit} means the queue was found empty and the wake-up is armed; exactly {@code
     * limit} means there may be more, and the consumer should call again after serving its other work. A handler's
     * exception propagates to the caller; the message it was handling counts as taken.
     */
    public int drain(MessageHandler<T> handler, int limit) {
        int taken = 0;
        while (taken < limit) {
            Message<T> message = take();
            if (message == null) {
                message = takeOrArm();
                if (message == null) {
                    break;
                }
            }
            taken++;
            handler.onMessage(message);
        }
        return taken;
    }

    /** Messages queued now, from 0 to {@link #capacity}; a snapshot that may be stale when read. Any thread. */
    public int size() {
        long head = (long) HEAD.getVolatile(this);
        long tail = (long) TAIL.getVolatile(this);
        return (int) Math.max(0, Math.min(capacity, tail - head));
    }

    public int capacity() {
        return capacity;
    }

    public OverflowPolicy policy() {
        return policy;
    }

    /** The counters now; each is exact, but they are read one after another, not as one atomic snapshot. */
    public Counters counters() {
        long dropped = droppedNewest.get();
        long refused = failed.get();
        long accepted = (long) TAIL.getVolatile(this);
        return new Counters(
                accepted + dropped + refused,
                accepted,
                droppedOldest.get(),
                dropped,
                refused,
                blocked.get(),
                wakeUps.get());
    }

    /**
     * What a channel has done since it was built.
     *
     * @param offered offers made: {@code accepted + droppedNewest + failed}
     * @param accepted messages queued (including those later dropped as the oldest)
     * @param droppedOldest queued messages discarded to make room ({@code DROP_OLDEST})
     * @param droppedNewest offered messages discarded because the channel was full ({@code DROP_NEWEST})
     * @param failed offers refused ({@code FAIL}), timed out or interrupted ({@code BLOCK})
     * @param blocked offers that parked at least once ({@code BLOCK}), whatever their outcome
     * @param wakeUps times the consumer's wake-up hook ran
     */
    public record Counters(
            long offered,
            long accepted,
            long droppedOldest,
            long droppedNewest,
            long failed,
            long blocked,
            long wakeUps) {}

    /** Claims a slot and publishes {@code message}, waking the consumer if it is armed; false when full. */
    private boolean tryOffer(Message<T> message) {
        long position = (long) TAIL.getVolatile(this);
        while (true) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getVolatile(sequences, index);
            long lag = sequence - position;
            if (lag == 0) {
                if (TAIL.compareAndSet(this, position, position + 1)) {
                    messages[index] = message;
                    // A volatile (not just release) store: the consumer arms the wake-up and then reads this slot,
                    // and we publish and then read the armed flag; both orders must hold for no wake-up to be lost.
                    SEQUENCE.setVolatile(sequences, index, position + 1);
                    if (wakeUpArmed && ARMED.compareAndSet(this, true, false)) {
                        wakeUps.incrementAndGet();
                        wakeUp.run();
                    }
                    return true;
                }
                position = (long) TAIL.getVolatile(this);
            } else if (lag < 0) {
                // The slot still holds the message from one lap ago. If the head has passed it, the consumer is
                // between taking it and handing the slot back: not full, just wait a moment.
                if (position - (long) HEAD.getVolatile(this) >= capacity) {
                    return false;
                }
                Thread.onSpinWait();
                position = (long) TAIL.getVolatile(this);
            } else {
                position = (long) TAIL.getVolatile(this);
            }
        }
    }

    /** Takes the message at the head, or null when the queue is empty (or its head is claimed but not published). */
    @SuppressWarnings("unchecked")
    private Message<T> take() {
        long position = (long) HEAD.getVolatile(this);
        while (true) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getVolatile(sequences, index);
            if (sequence != position + 1) {
                if (sequence - (position + 1) < 0 || !sharedHead) {
                    return null;
                }
                // An evicting producer took this position first.
                position = (long) HEAD.getVolatile(this);
                continue;
            }
            if (sharedHead) {
                if (!HEAD.compareAndSet(this, position, position + 1)) {
                    position = (long) HEAD.getVolatile(this);
                    continue;
                }
            } else {
                HEAD.setRelease(this, position + 1);
            }
            Message<T> message = (Message<T>) messages[index];
            messages[index] = null;
            if (blocking) {
                // Volatile, then read the waiters: a producer registers and then re-reads this slot, so one of us
                // sees the other.
                SEQUENCE.setVolatile(sequences, index, position + capacity);
                if (waitingProducers.get() != 0) {
                    unparkWaiters();
                }
            } else {
                SEQUENCE.setRelease(sequences, index, position + capacity);
            }
            return message;
        }
    }

    /** The queue looked empty: arm the wake-up, then look once more for a message published in between. */
    private Message<T> takeOrArm() {
        if (!wakeUpArmed) {
            wakeUpArmed = true;
        }
        Message<T> message = take();
        if (message != null) {
            // We found work ourselves. If a producer disarmed first, its wake-up is a spare one and does no harm.
            boolean disarmed = ARMED.compareAndSet(this, true, false);
            assert disarmed || !wakeUpArmed : "the wake-up was armed but could not be disarmed";
        }
        return message;
    }

    private OfferResult offerDroppingOldest(Message<T> message) {
        boolean evicted = false;
        do {
            Message<T> oldest = take();
            if (oldest != null) {
                droppedOldest.incrementAndGet();
                evicted = true;
            }
        } while (!tryOffer(message));
        return evicted ? OfferResult.ACCEPTED_DROPPED_OLDEST : OfferResult.ACCEPTED;
    }

    private OfferResult offerBlocking(Message<T> message, long deadlineNs) {
        Thread producer = Thread.currentThread();
        boolean parked = false;
        waitingProducers.incrementAndGet();
        waiters.add(producer);
        try {
            while (true) {
                // Registered first, then re-checked: a consumer that freed a slot before seeing us is seen here.
                if (tryOffer(message)) {
                    return OfferResult.ACCEPTED;
                }
                long nowNs = clock.nowNs();
                if (nowNs >= deadlineNs) {
                    failed.incrementAndGet();
                    return OfferResult.TIMED_OUT;
                }
                if (producer.isInterrupted()) {
                    failed.incrementAndGet();
                    return OfferResult.INTERRUPTED;
                }
                if (!parked) {
                    parked = true;
                    blocked.incrementAndGet();
                }
                LockSupport.parkNanos(this, Math.min(PARK_NS_MAX, deadlineNs - nowNs));
            }
        } finally {
            waiters.remove(producer);
            waitingProducers.decrementAndGet();
        }
    }

    private void unparkWaiters() {
        for (Thread waiter : waiters) {
            LockSupport.unpark(waiter);
        }
    }

    /** Configures a {@link QueueChannel}. Not thread-safe. */
    public static final class Builder<T> {
        private final int capacity;
        private OverflowPolicy policy = OverflowPolicy.FAIL;
        private Clock clock;
        private Runnable wakeUp = () -> {};

        private Builder(int capacity) {
            if (capacity < CAPACITY_MIN || capacity > CAPACITY_MAX || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("capacity must be a power of two from " + CAPACITY_MIN + " to "
                        + CAPACITY_MAX + ", not " + capacity);
            }
            this.capacity = capacity;
        }

        public Builder<T> overflow(OverflowPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock a {@code BLOCK} offer reads its deadline against; required for {@code BLOCK}. */
        public Builder<T> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs on a producer thread when the consumer should wake; see the class comment for the contract. */
        public Builder<T> wakeUp(Runnable wakeUp) {
            this.wakeUp = Objects.requireNonNull(wakeUp, "wakeUp");
            return this;
        }

        public QueueChannel<T> build() {
            if (policy == OverflowPolicy.BLOCK && clock == null) {
                throw new IllegalStateException("a BLOCK channel needs a clock to check its producers' deadlines");
            }
            return new QueueChannel<>(this);
        }
    }
}
