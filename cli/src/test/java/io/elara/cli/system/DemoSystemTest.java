package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.command.DemoCommand;
import io.elara.testing.process.NodeProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code elara demo} without a terminal, as CI runs it. */
class DemoSystemTest extends SystemTestSupport {
    @Test
    void shouldRunTheScriptedExchangeAndExitZeroWithoutATerminal() {
        for (List<String> args : List.of(List.of("demo", "--script"), List.of("demo"))) {
            NodeProcess demo = finished(String.join(" ", args), 0, args.toArray(String[]::new));
            String out = demo.stdout();
            assertThat(out).contains("Elara demo: three nodes on this machine");
            assertThat(out).containsPattern("you +127\\.0\\.0\\.1:\\d+ +id [a-z2-7]{10}");
            List<String> lines = out.lines().toList();
            int message = 0;
            for (String said : DemoCommand.SCRIPT) {
                message++;
                int at = indexOf(lines, " you: ", said);
                int echo = indexOf(lines, " echo: ", "You said: " + said);
                int counter = indexOf(lines, " counter: ", "That was message " + message + " from you:");
                assertThat(at).as("'%s' in%n%s", said, out).isNotNegative();
                assertThat(echo).as("echo of '%s'", said).isGreaterThan(at);
                assertThat(counter).as("count of '%s'", said).isGreaterThan(at);
            }
            assertThat(out).contains("Demo finished: 3 messages sent, 6 replies received");
            assertThat(demo.stderr()).isEmpty();
        }
    }

    private static int indexOf(List<String> lines, String author, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(author) && lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
