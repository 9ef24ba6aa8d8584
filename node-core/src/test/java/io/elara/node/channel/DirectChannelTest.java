package io.elara.node.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectChannelTest {
    private final DirectChannel<String> channel = new DirectChannel<>();
    private final List<String> calls = new ArrayList<>();

    @Test
    void shouldDeliverToSubscribersInSubscriptionOrderWhenSent() {
        channel.subscribe(message -> calls.add("first:" + message.body()));
        channel.subscribe(message -> calls.add("second:" + message.body()));
        channel.subscribe(message -> calls.add("third:" + message.body()));

        assertThat(channel.send(Message.of(1L, "a", 0L))).isTrue();
        assertThat(channel.send(Message.of(2L, "b", 0L))).isTrue();

        assertThat(calls).containsExactly("first:a", "second:a", "third:a", "first:b", "second:b", "third:b");
        assertThat(channel.sent()).isEqualTo(2);
        assertThat(channel.delivered()).isEqualTo(6);
    }

    @Test
    void shouldDeliverOnTheSendersThreadWhenSent() {
        List<Thread> threads = new ArrayList<>();
        channel.subscribe(message -> threads.add(Thread.currentThread()));

        channel.send(Message.of(1L, "a", 0L));

        assertThat(threads).containsExactly(Thread.currentThread());
    }

    @Test
    void shouldStillDeliverToTheOthersAndCountWhenASubscriberThrows() {
        channel.subscribe(message -> calls.add("before"));
        channel.subscribe(message -> {
            throw new IllegalStateException("subscriber bug");
        });
        channel.subscribe(message -> calls.add("after"));

        boolean allDelivered = channel.send(Message.of(1L, "a", 0L));

        assertThat(allDelivered).isFalse();
        assertThat(calls).containsExactly("before", "after");
        assertThat(channel.failures()).isEqualTo(1);
        assertThat(channel.delivered()).isEqualTo(2);
    }

    @Test
    void shouldCountAsUnroutedWhenThereIsNoSubscriber() {
        assertThat(channel.send(Message.of(1L, "a", 0L))).isFalse();

        assertThat(channel.unrouted()).isEqualTo(1);
    }

    @Test
    void shouldStopDeliveringWhenUnsubscribed() {
        MessageHandler<String> first = message -> calls.add("first");
        MessageHandler<String> second = message -> calls.add("second");
        channel.subscribe(first);
        channel.subscribe(second);

        assertThat(channel.unsubscribe(first)).isTrue();
        assertThat(channel.unsubscribe(first)).isFalse();
        channel.send(Message.of(1L, "a", 0L));

        assertThat(calls).containsExactly("second");
        assertThat(channel.subscriberCount()).isEqualTo(1);
    }

    @Test
    void shouldRefuseWhenSubscribedTwiceOrBeyondTheBound() {
        MessageHandler<String> handler = message -> calls.add("x");
        assertThat(channel.subscribe(handler)).isTrue();
        assertThat(channel.subscribe(handler)).isFalse();
        for (int index = 1; index < DirectChannel.SUBSCRIBERS_MAX; index++) {
            assertThat(channel.subscribe(message -> calls.add("y"))).isTrue();
        }

        assertThat(channel.subscribe(message -> calls.add("z"))).isFalse();
        assertThat(channel.subscriberCount()).isEqualTo(DirectChannel.SUBSCRIBERS_MAX);
    }
}
