package io.elara.node.pipeline.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextNodesTest {
    @Test
    void shouldPutTheInputWhereTheTemplateSaysAndKeepDoubledBraces() {
        assertThat(TextTemplate.parse("you said: {text}").apply("hi")).isEqualTo("you said: hi");
        assertThat(TextTemplate.parse("{text} and {text}").apply("x")).isEqualTo("x and x");
        assertThat(TextTemplate.parse("{{literal}} {text}").apply("x")).isEqualTo("{literal} x");
        assertThat(TextTemplate.parse("no placeholder").apply("x")).isEqualTo("no placeholder");
    }

    @Test
    void shouldNameTheColumnOfABadPlaceholder() {
        assertThatThrownBy(() -> TextTemplate.parse("hello {name}")).hasMessage("column 7: unknown placeholder {name}");
        assertThatThrownBy(() -> TextTemplate.parse("open { brace")).hasMessageStartingWith("column 6: '{' has no");
        assertThatThrownBy(() -> TextTemplate.parse("a } b")).hasMessageStartingWith("column 3: '}'");
        // A placeholder holding a line break or an escape is shown on one line, and a long one cut.
        assertThatThrownBy(() -> TextTemplate.parse("x {na\nme\u001b[2J}"))
                .hasMessage("column 3: unknown placeholder {na?me?[2J}");
        assertThatThrownBy(() -> TextTemplate.parse("{" + "a".repeat(100) + "}"))
                .hasMessage("column 1: unknown placeholder {" + "a".repeat(40) + "...}");
    }

    @Test
    void shouldPipeTextThroughACommand() throws Exception {
        assertThat(new ExecRunner(List.of("tr", "a-z", "A-Z"), 5_000).run("shout this"))
                .isEqualTo("SHOUT THIS");
        assertThat(new ExecRunner(List.of("wc", "-c"), 5_000).run("12345").strip())
                .isEqualTo("5");
    }

    @Test
    void shouldNotDeadlockWhenTheCommandWritesALotBeforeReading() throws Exception {
        String out = new ExecRunner(
                        List.of("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; cat >/dev/null"), 10_000)
                .run("y".repeat(200_000));
        assertThat(out).hasSize(200_000);
    }

    @Test
    void shouldReportFailuresInOneLine() {
        assertThatThrownBy(() ->
                        new ExecRunner(List.of("sh", "-c", "echo oops >&2; echo more >&2; exit 3"), 5_000).run(""))
                .hasMessage("'sh -c echo oops >&2; echo more >&2; exit 3' exited with 3: oops");
        assertThatThrownBy(() -> new ExecRunner(List.of("/no/such/program"), 5_000).run(""))
                .hasMessageStartingWith("cannot run '/no/such/program': ");
        assertThatThrownBy(() -> new ExecRunner(List.of("sleep", "10"), 200).run(""))
                .hasMessage("'sleep 10' did not finish within 200 ms; stopped");
    }
}
