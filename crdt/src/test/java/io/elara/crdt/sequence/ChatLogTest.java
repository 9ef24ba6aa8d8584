package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatLogTest {
    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldOrderByHlcThenAuthorWhenEntriesArriveOutOfOrder() {
        ChatLog alice = new ChatLog();
        ChatLog bob = new ChatLog();
        ChatLog late = alice.append(1, Hlc.pack(20, 0), text("late"));
        ChatLog tie = bob.append(2, Hlc.pack(10, 0), text("bob"));
        ChatLog early = alice.append(1, Hlc.pack(10, 0), text("alice"));
        ChatLog log = new ChatLog();
        log.merge(late);
        log.merge(tie);
        log.merge(early);
        assertThat(log.entries())
                .extracting(entry -> new String(entry.payload(), StandardCharsets.UTF_8))
                .containsExactly("alice", "bob", "late");
        assertThat(log.merge(late)).as("a duplicate adds nothing").isZero();
    }

    @Test
    void shouldReturnTheNewestEntriesWhenAskedForTheTail() {
        ChatLog log = new ChatLog();
        for (int i = 1; i <= 10; i++) {
            log.append(3, Hlc.pack(i, 0), text("m" + i));
        }
        assertThat(log.tail(3)).extracting(ChatLogEntry::sequence).containsExactly(8L, 9L, 10L);
        assertThat(log.tail(50)).hasSize(10);
        assertThat(log.tail(0)).isEmpty();
        assertThat(log.after(log.tail(2).get(0)))
                .extracting(ChatLogEntry::sequence)
                .containsExactly(10L);
        assertThat(log.ids().cloudSize()).isZero();
    }

    @Test
    void shouldCopyThePayloadWhenTheCallerChangesItsArray() {
        byte[] payload = text("hi");
        ChatLog log = new ChatLog();
        log.append(1, Hlc.pack(1, 0), payload);
        payload[0] = 'X';
        assertThat(log.tail(1).get(0).payload()).isEqualTo(text("hi"));
    }

    @Test
    void shouldMergeEveryEntryWhenADeltaHoldsManyEntries() {
        // Merge was quadratic (a List.contains per entry): 2^18 entries took minutes, so a forged delta could stall
        // the loop. No timing is asserted here (speed belongs to benchmarks); a quadratic merge shows as a test run
        // of minutes.
        java.util.List<ChatLogEntry> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 1 << 18; i++) {
            many.add(new ChatLogEntry(i % 64, 1 + i / 64, Hlc.pack(i, 0), new byte[0]));
        }
        ChatLog log = new ChatLog();
        assertThat(log.merge(ChatLog.of(many))).isEqualTo(1 << 18);
        assertThat(log.size()).isEqualTo(1 << 18);
    }
}
