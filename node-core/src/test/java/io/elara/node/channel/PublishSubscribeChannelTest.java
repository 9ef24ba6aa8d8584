package io.elara.node.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishSubscribeChannelTest {
    private final PublishSubscribeChannel<String> channel = new PublishSubscribeChannel<>();

    @Test
    void shouldGiveEveryMessageToEverySubscriberWhenPublished() {
        List<QueueChannel<String>> inboxes = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            QueueChannel<String> inbox = QueueChannel.<String>builder(16).build();
            inboxes.add(inbox);
            channel.subscribe(inbox);
        }
        List<String> direct = new ArrayList<>();
        DirectChannel<String> handler = new DirectChannel<>();
        handler.subscribe(message -> direct.add(message.body()));
        channel.subscribe(handler);

        for (int index = 0; index < 10; index++) {
            assertThat(channel.send(Message.of(index, "m" + index, 0L))).isTrue();
        }

        for (QueueChannel<String> inbox : inboxes) {
            List<String> received = new ArrayList<>();
            assertThat(inbox.drain(message -> received.add(message.body()), 100))
                    .isEqualTo(10);
            assertThat(received).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        }
        assertThat(direct).hasSize(10);
        assertThat(channel.published()).isEqualTo(10);
        assertThat(channel.deliveries()).isEqualTo(40);
    }

    @Test
    void shouldStillServeTheOthersAndCountWhenASubscriberIsFull() {
        QueueChannel<String> small =
                QueueChannel.<String>builder(2).overflow(OverflowPolicy.FAIL).build();
        QueueChannel<String> large = QueueChannel.<String>builder(8).build();
        channel.subscribe(small);
        channel.subscribe(large);

        assertThat(channel.send(Message.of(1L, "a", 0L))).isTrue();
        assertThat(channel.send(Message.of(2L, "b", 0L))).isTrue();
        assertThat(channel.send(Message.of(3L, "c", 0L))).isFalse();

        assertThat(large.size()).isEqualTo(3);
        assertThat(small.size()).isEqualTo(2);
        assertThat(channel.refusals()).isEqualTo(1);
    }

    @Test
    void shouldStopOfferingWhenUnsubscribed() {
        QueueChannel<String> inbox = QueueChannel.<String>builder(8).build();
        channel.subscribe(inbox);
        channel.send(Message.of(1L, "a", 0L));

        assertThat(channel.unsubscribe(inbox)).isTrue();
        assertThat(channel.send(Message.of(2L, "b", 0L))).isFalse();

        assertThat(inbox.size()).isEqualTo(1);
        assertThat(channel.subscriberCount()).isZero();
    }
}
