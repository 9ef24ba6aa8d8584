package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition between two halves of a session, with real processes: four {@code elara run} nodes in one configured
 * session; iptables drops every datagram between {alice, bob} and {carol, dave} for 12 s. Each half keeps talking
 * within itself; what was said across waits in the senders' lanes and arrives once the partition heals, once, in each
 * author's order. Needs root for iptables; CI runs it as root.
 */
class PartitionSystemTest extends SystemTestSupport {
    private static final String[] NAMES = {"alice", "bob", "carol", "dave"};
    private static final Duration PARTITION = Duration.ofSeconds(12);

    private final LoopbackFirewall firewall = new LoopbackFirewall();

    @BeforeAll
    static void tools() {
        LoopbackFirewall.requireRoot("the partition test");
    }

    @AfterEach
    void heal() throws Exception {
        firewall.heal();
    }

    private Path meshConfig(int self, int[] ports) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("name: ").append(NAMES[self]).append('\n');
        yaml.append("data-dir: ").append(NAMES[self]).append("-data\n");
        yaml.append("bind:\n  address: 127.0.0.1\n  port: ").append(ports[self]).append('\n');
        yaml.append("peers:\n");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (i != self) {
                yaml.append("  - name: ").append(NAMES[i]).append("\n    address: 127.0.0.1:");
                yaml.append(ports[i]).append('\n');
                others.add(NAMES[i]);
            }
        }
        yaml.append("sessions:\n  - name: lobby\n    members: [")
                .append(String.join(", ", others))
                .append("]\n");
        return write(NAMES[self] + ".yaml", yaml.toString());
    }

    private NodeProcess say(Path config, String who, String text) {
        return elara(
                who + " says " + text,
                "send",
                "-c",
                config.toString(),
                "--session",
                "lobby",
                "--timeout-ms",
                "90000",
                text);
    }

    @Test
    void shouldKeepEachHalfTalkingAndDeliverEverythingOnceWhenThePartitionHeals() throws Exception {
        int[] ports = new int[NAMES.length];
        Path[] configs = new Path[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            ports[i] = FreePorts.udp();
        }
        List<NodeProcess> runs = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            configs[i] = meshConfig(i, ports);
            runs.add(elara(NAMES[i] + " run", "run", "-c", configs[i].toString()));
        }
        for (int i = 0; i < NAMES.length; i++) {
            runs.get(i).awaitStderr(NAMES[i] + " ready on", START);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            NodeProcess hello = say(configs[i], NAMES[i], "hello from " + NAMES[i]);
            assertThat(hello.waitFor(EXIT)).as(hello.describe()).isZero();
            expected.add(NAMES[i] + ": hello from " + NAMES[i]);
        }

        for (int a : new int[] {0, 1}) {
            for (int b : new int[] {2, 3}) {
                firewall.block(ports[a], ports[b]);
            }
        }
        long cutNs = System.nanoTime();
        List<NodeProcess> during = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < NAMES.length; i++) {
                String text = "during " + round + " from " + NAMES[i];
                during.add(say(configs[i], NAMES[i], text));
                expected.add(NAMES[i] + ": " + text);
            }
            Thread.sleep(1_000);
        }
        // Each half still talks within itself: bob has alice's messages, carol dave's, while the partition lasts.
        Await.until(
                () -> historyLines(configs[1], "lobby").contains("alice: during 2 from alice")
                        && historyLines(configs[2], "lobby").contains("dave: during 2 from dave"),
                Duration.ofSeconds(8),
                "each half to hear its own side during the partition");
        assertThat(historyLines(configs[1], "lobby")).doesNotContain("carol: during 0 from carol");
        assertThat(historyLines(configs[2], "lobby")).doesNotContain("alice: during 0 from alice");
        assertThat(during).allMatch(NodeProcess::isAlive); // none acknowledged by all four yet

        long leftNs = PARTITION.toNanos() - (System.nanoTime() - cutNs);
        if (leftNs > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(leftNs));
        }
        heal();
        long healNs = System.nanoTime();
        for (NodeProcess send : during) {
            assertThat(send.waitFor(Duration.ofSeconds(90))).as(send.describe()).isZero();
        }
        double allAcknowledgedS = (System.nanoTime() - healNs) / 1e9;
        for (int i = 0; i < NAMES.length; i++) {
            List<String> history = historyLines(configs[i], "lobby");
            assertThat(history).as("%s's history", NAMES[i]).containsExactlyInAnyOrderElementsOf(expected);
            for (String author : NAMES) {
                assertThat(history.stream().filter(line -> line.startsWith(author + ": during")))
                        .as("%s's messages at %s, in the order sent", author, NAMES[i])
                        .containsExactly(
                                author + ": during 0 from " + author,
                                author + ": during 1 from " + author,
                                author + ": during 2 from " + author);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "partition: %d s; every message acknowledged by all four %.1f s after it healed%n",
                PARTITION.toSeconds(),
                allAcknowledgedS);
        for (NodeProcess run : runs) {
            assertThat(run.isAlive()).isTrue();
            run.terminate();
        }
    }
}
