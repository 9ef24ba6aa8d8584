package io.elara.node.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {
    @Test
    void shouldCarryEveryFieldWhenBuilt() {
        Message<String> message = Message.builder(7L, "hello")
                .correlationId(3L)
                .createdNs(100L)
                .sentNs(150L)
                .header("author", "alice")
                .build();

        assertThat(message.id()).isEqualTo(7L);
        assertThat(message.correlationId()).isEqualTo(3L);
        assertThat(message.createdNs()).isEqualTo(100L);
        assertThat(message.sentNs()).isEqualTo(150L);
        assertThat(message.header("author")).isEqualTo("alice");
        assertThat(message.header("missing")).isNull();
        assertThat(message.body()).isEqualTo("hello");
        assertThat(message.isSent()).isTrue();
    }

    @Test
    void shouldDefaultToUncorrelatedAndUnsentWhenMadeWithOf() {
        Message<Integer> message = Message.of(1L, 42, 10L);

        assertThat(message.correlationId()).isEqualTo(Message.NO_CORRELATION_ID);
        assertThat(message.sentNs()).isEqualTo(Message.NOT_SENT_NS);
        assertThat(message.isSent()).isFalse();
        assertThat(message.headers()).isEmpty();
    }

    @Test
    void shouldNotChangeWhenTheCallersHeaderMapChanges() {
        Map<String, String> headers = new HashMap<>();
        headers.put("a", "1");
        Message<String> message = new Message<>(1L, 0L, 0L, Message.NOT_SENT_NS, headers, "body");

        headers.put("b", "2");

        assertThat(message.headers()).containsOnlyKeys("a");
        assertThatThrownBy(() -> message.headers().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldCorrelateToTheOriginalWhenReplying() {
        Message<String> question = Message.of(5L, "ping", 1L);

        Message<String> answer = question.reply(6L, "pong").createdNs(2L).build();

        assertThat(answer.correlationId()).isEqualTo(5L);
        assertThat(answer.id()).isEqualTo(6L);
    }

    @Test
    void shouldKeepEverythingElseWhenStampedWithTheSendTime() {
        Message<String> message = Message.builder(1L, "x").header("k", "v").build();

        Message<String> sent = message.withSentNs(99L);

        assertThat(sent.sentNs()).isEqualTo(99L);
        assertThat(sent.headers()).isEqualTo(message.headers());
        assertThat(sent.body()).isEqualTo("x");
    }

    @Test
    void shouldRejectWhenHeadersExceedTheBound() {
        Message.Builder<String> builder = Message.builder(1L, "x");
        for (int index = 0; index <= Message.HEADERS_MAX; index++) {
            builder.header("h" + index, "v");
        }

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectWhenAHeaderValueIsTooLong() {
        Message.Builder<String> builder =
                Message.builder(1L, "x").header("k", "v".repeat(Message.HEADER_LENGTH_MAX + 1));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectWhenTheBodyIsNull() {
        assertThatThrownBy(() -> Message.of(1L, null, 0L)).isInstanceOf(NullPointerException.class);
    }
}
