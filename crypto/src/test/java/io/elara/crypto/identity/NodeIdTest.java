package io.elara.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeIdTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private static NodeId randomId(long seed) {
        byte[] key = new byte[NodeId.LENGTH];
        new Random(seed).nextBytes(key);
        return NodeId.of(key);
    }

    @Test
    void shouldRoundTripWhenFormattedAndParsed() {
        for (long seed = 0; seed < 200; seed++) {
            NodeId id = randomId(seed);
            String text = id.toString();
            assertThat(text).hasSize(NodeId.TEXT_LENGTH).matches("[a-z2-7]+");
            assertThat(NodeId.parse(text)).isEqualTo(id);
        }
    }

    @Test
    void shouldParseWhenPastedWithCaseSpacesAndDashes() {
        NodeId id = randomId(7);
        String text = id.toString();
        String grouped = "  " + text.substring(0, 8).toUpperCase(java.util.Locale.ROOT) + "-" + text.substring(8, 20)
                + " " + text.substring(20) + "\n";
        assertThat(NodeId.parse(grouped)).isEqualTo(id);
    }

    @Test
    void shouldRejectWhenAnySingleCharacterIsMistyped() {
        String text = randomId(42).toString();
        int accepted = 0;
        for (int position = 0; position < text.length(); position++) {
            for (int i = 0; i < ALPHABET.length(); i++) {
                char replacement = ALPHABET.charAt(i);
                if (replacement == text.charAt(position)) {
                    continue;
                }
                String typo = text.substring(0, position) + replacement + text.substring(position + 1);
                try {
                    NodeId.parse(typo);
                    accepted++;
                } catch (IllegalArgumentException expected) {
                    assertThat(expected).hasMessageContaining("checksum");
                }
            }
        }
        assertThat(accepted).as("typos that still parse").isZero();
    }

    @Test
    void shouldRejectWhenTruncatedOrUsingForeignCharacters() {
        String text = randomId(3).toString();
        assertThatThrownBy(() -> NodeId.parse(text.substring(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("56 characters");
        assertThatThrownBy(() -> NodeId.parse("0" + text.substring(1))).hasMessageContaining("found '0' at position 1");
        assertThatThrownBy(() -> NodeId.parse("")).hasMessageContaining("has 0");
    }

    @Test
    void shouldCompareAndHashByKeyBytes() {
        NodeId a = randomId(1);
        NodeId sameAsA = NodeId.of(a.toBytes());
        assertThat(sameAsA).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.compareTo(sameAsA)).isZero();
        assertThat(a.shortForm()).hasSize(10).isEqualTo(a.toString().substring(0, 10));
        assertThatThrownBy(() -> NodeId.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }
}
