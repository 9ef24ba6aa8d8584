package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.media.Images;
import io.elara.node.media.TestPattern;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A livestream between four real nodes: alice broadcasts, bob, carol and dave watch. With a fanout of 2, alice sends
 * to bob and carol only, and bob relays to dave, who starts watching late and begins at a keyframe.
 */
class LiveSystemTest extends SystemTestSupport {
    private static final String[] NAMES = {"alice", "bob", "carol", "dave"};

    private Path meshConfig(String name, int[] ports, int self) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("name: ").append(name).append('\n');
        yaml.append("data-dir: ").append(name).append("-data\n");
        yaml.append("bind:\n  address: 127.0.0.1\n  port: ").append(ports[self]).append('\n');
        yaml.append("peers:\n");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (i != self) {
                yaml.append("  - name: ")
                        .append(NAMES[i])
                        .append("\n    address: 127.0.0.1:")
                        .append(ports[i])
                        .append('\n');
                others.add(NAMES[i]);
            }
        }
        yaml.append("sessions:\n  - name: lobby\n    members: [")
                .append(String.join(", ", others))
                .append("]\n");
        return write(name + ".yaml", yaml.toString());
    }

    @Test
    void shouldRelayPastTheFanoutAndStartALateViewerAtAKeyframe() throws Exception {
        int[] ports = new int[NAMES.length];
        Path[] configs = new Path[NAMES.length];
        List<NodeProcess> runs = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            ports[i] = io.elara.testing.net.FreePorts.udp();
        }
        try {
            for (int i = 0; i < NAMES.length; i++) {
                configs[i] = meshConfig(NAMES[i], ports, i);
                NodeProcess run = elara(NAMES[i] + " run", "run", "-c", configs[i].toString());
                runs.add(run);
            }
            for (int i = 0; i < NAMES.length; i++) {
                runs.get(i).awaitStderr(NAMES[i] + " ready on", START);
            }
            // Media does not dial: a message from each sets up the secure sessions of the whole mesh.
            List<NodeProcess> hellos = new ArrayList<>();
            for (int i = 0; i < NAMES.length; i++) {
                hellos.add(elara("hello " + NAMES[i], "send", "-c", configs[i].toString(), "--session", "lobby", "hi"));
            }
            for (NodeProcess hello : hellos) {
                assertThat(hello.waitFor(EXIT)).as(hello.describe()).isZero();
            }
            Path[] shots = new Path[NAMES.length];
            NodeProcess[] watches = new NodeProcess[NAMES.length];
            for (int i = 1; i <= 2; i++) {
                shots[i] = directory.resolve(NAMES[i] + "-shots");
                watches[i] = elara(
                        NAMES[i] + " watches",
                        "live",
                        "watch",
                        "lobby",
                        shots[i].toString(),
                        "--idle",
                        "3s",
                        "-c",
                        configs[i].toString());
            }
            Thread.sleep(1_500);
            NodeProcess broadcast = elara(
                    "alice broadcasts",
                    "live",
                    "start",
                    "lobby",
                    "--pattern",
                    "--fps",
                    "10",
                    "--seconds",
                    "7",
                    "--fanout",
                    "2",
                    "-c",
                    configs[0].toString());
            Thread.sleep(3_000);
            shots[3] = directory.resolve("dave-shots");
            watches[3] = elara(
                    "dave watches late",
                    "live",
                    "watch",
                    "lobby",
                    shots[3].toString(),
                    "--idle",
                    "3s",
                    "-c",
                    configs[3].toString());
            assertThat(broadcast.waitFor(EXIT)).as(broadcast.describe()).isZero();
            for (int i = 1; i <= 3; i++) {
                assertThat(watches[i].waitFor(EXIT)).as(watches[i].describe()).isZero();
            }
            System.out.println(broadcast.stdout() + watches[1].stdout() + watches[2].stdout() + watches[3].stdout());
            assertThat(broadcast.awaitStdout("\\) to ([a-z, ]+);", START).group(1))
                    .as("alice sends to the fanout only")
                    .isEqualTo("bob, carol");
            Matcher relayed = watches[1].awaitStdout("relayed (\\d+) packets to \\[(.*)\\]", START);
            assertThat(Long.parseLong(relayed.group(1)))
                    .as("packets bob relayed")
                    .isPositive();
            assertThat(relayed.group(2)).isEqualTo("dave");
            for (int i = 1; i <= 3; i++) {
                List<Path> files;
                try (Stream<Path> listed = Files.list(shots[i])) {
                    files = listed.sorted().toList();
                }
                assertThat(files).as(NAMES[i] + "'s pictures").hasSizeGreaterThan(i == 3 ? 12 : 40);
                for (Path file : files) {
                    Matcher name = Pattern.compile("[a-z]+-(\\d+)\\.png")
                            .matcher(file.getFileName().toString());
                    assertThat(name.matches()).as(file.toString()).isTrue();
                    assertThat(Images.read(file).samePixels(TestPattern.frame(320, 240, Long.parseLong(name.group(1)))))
                            .as("%s equals the frame alice sent", file)
                            .isTrue();
                }
                if (i == 3) {
                    Matcher first = Pattern.compile("[a-z]+-(\\d+)\\.png")
                            .matcher(files.get(0).getFileName().toString());
                    assertThat(first.matches()).isTrue();
                    assertThat(Long.parseLong(first.group(1)))
                            .as("dave joined about 3 s (30 frames) in: his first picture")
                            .isGreaterThan(20);
                    assertThat(files.get(0).getFileName().toString())
                            .as("dave's frames come through bob")
                            .startsWith("bob-");
                }
            }
        } finally {
            for (NodeProcess run : runs) {
                run.close();
            }
        }
    }
}
