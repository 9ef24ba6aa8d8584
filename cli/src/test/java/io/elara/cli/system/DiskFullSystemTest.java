package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A full disk, for real: the sending node's data directory is a small tmpfs, filled up while the node runs. The node
 * refuses sends with one line that names the full disk, keeps running and keeps what it stored, and takes sends again
 * on its own once there is room. Needs root (to mount the tmpfs); elsewhere it is skipped with the reason printed.
 */
class DiskFullSystemTest extends SystemTestSupport {
    /** The tmpfs: room for the identity, the database and its log before the filler takes the rest. */
    private static final String TMPFS_SIZE = "16m";

    private static final int BEFORE = 20;

    @Test
    void shouldRefuseSendsInOneLineAndKeepWhatItHasWhenTheDiskIsFull() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        Path aliceData = directory.resolve("alice-data");
        mountSmallDisk(aliceData);
        try {
            NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
            NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
            try {
                aliceRun.awaitStderr("alice ready on", START);
                bobRun.awaitStderr("bob ready on", START);
                fillAndFree(alice, bob, aliceData, aliceRun);
            } finally {
                aliceRun.close(); // the tmpfs cannot be unmounted while the node holds files on it
                bobRun.close();
            }
        } finally {
            unmount(aliceData);
        }
    }

    private void fillAndFree(Path alice, Path bob, Path aliceData, NodeProcess aliceRun) throws Exception {
        // Before: the sending node stores and sends as usual.
        List<String> expected = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < BEFORE; i++) {
            expected.add("before the disk filled " + i);
            lines.append("before the disk filled ").append(i).append('\n');
        }
        NodeProcess before = elara(
                "send before",
                write("before.txt", lines.toString()),
                "send",
                "-c",
                alice.toString(),
                "--session",
                "lobby");
        assertThat(before.waitFor(EXIT)).as(before.describe()).isZero();
        assertThat(before.stdout().lines()).hasSize(BEFORE).containsOnly("acknowledged by bob");
        assertThat(texts(alice)).isEqualTo(expected);

        // The disk fills up (a filler file takes every free byte of the tmpfs).
        Path filler = aliceData.resolve("filler");
        long filled = fill(filler);
        System.out.printf(
                Locale.ROOT, "disk full: a filler of %d bytes took the rest of the %s tmpfs%n", filled, TMPFS_SIZE);

        // A send finds out: one line that names the full disk, exit 1. The next, refused up front, says the same.
        for (String attempt : List.of("while the disk is full", "again while the disk is full")) {
            NodeProcess refused =
                    finished("send " + attempt, 1, "send", "-c", alice.toString(), "--session", "lobby", attempt);
            System.out.println("disk full: elara send said: " + refused.stderr().strip());
            assertThat(refused.stderr())
                    .startsWith("elara: ")
                    .contains("elara.db")
                    .contains("the disk is full")
                    .hasLineCount(1);
            assertThat(refused.stdout()).isEmpty();
        }

        // The node keeps running, and what it stored before is intact (and nothing of the refused sends).
        assertThat(aliceRun.isAlive()).as("the node keeps running").isTrue();
        JsonNode status = status(this, alice);
        assertThat(status.path("name").asText()).isEqualTo("alice");
        assertThat(texts(alice)).as("the history while the disk is full").isEqualTo(expected);
        System.out.println("disk full: the node runs, and its history has the " + BEFORE + " messages from before");
        // Not asserted, told: a send whose commit failed here may already have gone out on the lane before.
        System.out.println("disk full: the receiving node has " + (texts(bob).size() - BEFORE)
                + " of the 2 messages the sending node refused");

        // Room again: the node notices by itself (it tries a write again every few seconds) and sends work again.
        Files.delete(filler);
        long freedNs = System.nanoTime();
        String after = "after the disk was freed";
        Await.until(
                () -> elara("send " + after, "send", "-c", alice.toString(), "--session", "lobby", after)
                                .waitFor(EXIT)
                        == 0,
                Duration.ofSeconds(60),
                "a send to succeed once the disk has room");
        System.out.printf(
                Locale.ROOT,
                "disk full: a send succeeded again %.1f s after the space was freed%n",
                (System.nanoTime() - freedNs) / 1e9);
        expected.add(after);
        assertThat(texts(alice)).as("the history after the disk was freed").isEqualTo(expected);

        aliceRun.terminate();
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(143);
        assertThat(aliceRun.stderr()).doesNotContain("Exception");
    }

    /** The texts of the sending node's stored history of the session. */
    private List<String> texts(Path config) {
        NodeProcess history = finished("history", 0, "history", "-c", config.toString(), "lobby", "--json");
        return jsonLines(history.stdout()).stream()
                .map(e -> e.path("text").asText())
                .toList();
    }

    /** Writes {@code file} until the disk refuses more; returns its size. */
    private static long fill(Path file) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                try {
                    while (block.hasRemaining()) {
                        channel.write(block);
                    }
                } catch (IOException e) {
                    assertThat(e.getMessage()).as("why the filler stopped").contains("No space left on device");
                    return channel.size();
                }
            }
        }
    }

    private static void mountSmallDisk(Path mountPoint) throws IOException, InterruptedException {
        String user = run("id", "-u").output().strip();
        if (!user.equals("0")) {
            skip("it mounts a tmpfs, which needs root, and runs as user " + user);
        }
        Files.createDirectories(mountPoint);
        Result mounted = run(
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + TMPFS_SIZE + ",mode=0700",
                "elara-disk-full",
                mountPoint.toString());
        if (mounted.exit() != 0) {
            skip("mount -t tmpfs failed here (" + mounted.output().strip() + ")");
        }
    }

    private static void unmount(Path mountPoint) throws IOException, InterruptedException {
        Result unmounted = run("umount", mountPoint.toString());
        if (unmounted.exit() != 0) {
            // Still busy (a process that outlived its close): detach it now, the kernel frees it when unused.
            Result lazy = run("umount", "-l", mountPoint.toString());
            assertThat(lazy.exit()).as("umount -l: " + lazy.output()).isZero();
        }
    }

    private static void skip(String reason) {
        System.out.println("DiskFullSystemTest skipped: " + reason);
        Assumptions.abort(reason);
    }

    private record Result(int exit, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }
}
