package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two {@code elara run} processes from two YAML files on loopback: what {@code elara send} sends from one reaches the
 * other's {@code elara tail}, in order, exactly once.
 */
class TwoNodesSystemTest extends SystemTestSupport {
    @Test
    void shouldDeliverSentTextToTheOtherNodesTailInOrderExactlyOnce() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        aliceRun.awaitStderr("alice ready on 127\\.0\\.0\\.1:" + alicePort, START);
        bobRun.awaitStderr("bob ready on 127\\.0\\.0\\.1:" + bobPort, START);

        NodeProcess tail = elara("bob tail", "tail", "-c", bob.toString(), "--json", "-n", "0", "--count", "25");
        Await.until(
                () -> status(this, bob).path("counters").path("subscribers").asInt() == 1,
                START,
                "bob's tail to subscribe");

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String text = "direct message " + i;
            NodeProcess send = finished("send " + i, 0, "send", "-c", alice.toString(), "--to", "bob", text);
            assertThat(send.stdout()).isEqualTo("acknowledged by bob\n");
            expected.add(text);
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            lines.append("line ").append(i).append(" of the session burst\n");
            expected.add("line " + i + " of the session burst");
        }
        Path stdin = write("burst.txt", lines.toString());
        NodeProcess burst = elara("send burst", stdin, "send", "-c", alice.toString(), "--session", "lobby");
        assertThat(burst.waitFor(EXIT)).as(burst.describe()).isZero();
        assertThat(burst.stdout().lines()).hasSize(20).containsOnly("acknowledged by bob");

        assertThat(tail.waitFor(EXIT)).as(tail.describe()).isZero();
        List<JsonNode> events = jsonLines(tail.stdout());
        assertThat(events).extracting(e -> e.path("text").asText()).isEqualTo(expected);
        assertThat(new HashSet<>(events.stream().map(e -> e.path("id").asText()).toList()))
                .hasSize(25);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("authorName").asText()).isEqualTo("alice");
            assertThat(e.path("local").asBoolean()).isFalse();
        });
        assertThat(events.subList(0, 5))
                .allMatch(e -> e.path("session").asText().equals("direct"));
        assertThat(events.subList(5, 25))
                .allMatch(e -> e.path("session").asText().equals("lobby"));

        JsonNode bobStatus = status(this, bob);
        assertThat(bobStatus.path("counters").path("eventsDelivered").asLong()).isEqualTo(25);
        assertThat(bobStatus.path("rejects").size()).isZero();

        // The signal lane: acknowledged like text, marked as a signal where it is shown; one byte over its 256 is
        // refused in one line, exit 1, and nothing is sent.
        NodeProcess signal = finished(
                "send signal", 0, "send", "-c", alice.toString(), "--to", "bob", "--signal", "keyframe please");
        assertThat(signal.stdout()).isEqualTo("acknowledged by bob\n");
        NodeProcess tooLong = finished(
                "send long signal", 1, "send", "-c", alice.toString(), "--to", "bob", "--signal", "x".repeat(257));
        assertThat(tooLong.stderr().strip())
                .isEqualTo("elara: the signal is 257 bytes; the signal lane carries at most 256 bytes of UTF-8");
        NodeProcess last = finished("bob tail -n 1", 0, "tail", "-c", bob.toString(), "-n", "1", "--count", "1");
        assertThat(last.stdout()).endsWith("alice: (signal) keyframe please\n");
        assertThat(status(this, bob).path("counters").path("eventsDelivered").asLong())
                .isEqualTo(26);

        // Stdin as it comes: a line is sent and acknowledged while the pipe is still open and the next line not yet
        // written, as 'tail -f LOG | elara send' needs.
        Path pipe = directory.resolve("lines.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        NodeProcess stream;
        try (java.io.RandomAccessFile writer = new java.io.RandomAccessFile(pipe.toFile(), "rw")) {
            stream = elara("send stream", pipe, "send", "-c", alice.toString(), "--to", "bob");
            writer.write("first while the pipe is open\n".getBytes(StandardCharsets.UTF_8));
            stream.awaitStdout("acknowledged by bob", START);
            assertThat(stream.isAlive()).as("still reading stdin").isTrue();
            writer.write("second\n".getBytes(StandardCharsets.UTF_8));
            Await.until(() -> stream.stdout().lines().count() == 2, START, "the second line acknowledged");
        }
        assertThat(stream.waitFor(EXIT))
                .as("ends with its stdin: " + stream.describe())
                .isZero();
        NodeProcess streamed = finished("bob tail -n 2", 0, "tail", "-c", bob.toString(), "-n", "2", "--count", "2");
        assertThat(streamed.stdout()).contains("alice: first while the pipe is open", "alice: second");

        // A stream whose node stops: what was acknowledged stands, and the next line is refused in one line naming
        // what happened, not a stack trace.
        Path pipe2 = directory.resolve("more.fifo");
        assertThat(new ProcessBuilder("mkfifo", pipe2.toString()).start().waitFor())
                .isZero();
        try (java.io.RandomAccessFile writer = new java.io.RandomAccessFile(pipe2.toFile(), "rw")) {
            NodeProcess orphan = elara("send orphaned", pipe2, "send", "-c", alice.toString(), "--to", "bob");
            writer.write("before the stop\n".getBytes(StandardCharsets.UTF_8));
            orphan.awaitStdout("acknowledged by bob", START);

            // SIGTERM: both stop cleanly, give back their ports and remove their control sockets.
            aliceRun.terminate();
            bobRun.terminate();
            aliceRun.waitFor(EXIT);
            writer.write("after the stop\n".getBytes(StandardCharsets.UTF_8));
            assertThat(orphan.waitFor(EXIT)).as(orphan.describe()).isEqualTo(1);
            assertThat(orphan.stderr().strip())
                    .isEqualTo("elara: the node stopped: line 2 and after were not sent (no control socket at "
                            + directory.resolve("alice-data/control.sock") + ")");
        }
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(143);
        assertThat(bobRun.waitFor(EXIT)).isEqualTo(143);
        assertThat(aliceRun.stderr()).contains("alice stopped");
        for (int port : new int[] {alicePort, bobPort}) {
            try (DatagramSocket socket =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(directory.resolve("alice-data/control.sock")).doesNotExist();
        assertThat(aliceRun.stderr() + bobRun.stderr()).doesNotContain("LEAK:").doesNotContain("Exception");
    }
}
