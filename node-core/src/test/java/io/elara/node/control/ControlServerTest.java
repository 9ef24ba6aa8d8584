package io.elara.node.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crypto.identity.Identity;
import io.elara.node.Node;
import io.elara.node.config.NodeConfig;
import io.elara.node.store.DataDirectory;
import io.elara.testing.net.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control protocol over a real Unix socket, between two real nodes on loopback. */
class ControlServerTest {
    @TempDir
    Path directory;

    private Node alice;
    private Node bob;
    private final List<ControlClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        alice = Node.start(
                NodeConfig.builder("alice")
                        .dataDirectory(directory.resolve("a"))
                        .bind("127.0.0.1", alicePort)
                        .peer("bob", "127.0.0.1:" + bobPort)
                        .session("lobby", "bob")
                        .build(),
                Identity.generate(new SecureRandom()),
                Node.Options.daemon());
        bob = Node.start(
                NodeConfig.builder("bob")
                        .dataDirectory(directory.resolve("b"))
                        .bind("127.0.0.1", bobPort)
                        .peer("alice", "127.0.0.1:" + alicePort)
                        .session("lobby", "alice")
                        .build(),
                Identity.generate(new SecureRandom()),
                Node.Options.daemon());
    }

    @AfterEach
    void stop() throws Exception {
        for (ControlClient client : clients) {
            client.close();
        }
        alice.close();
        bob.close();
    }

    private ControlClient connect(Path dataDirectory) throws Exception {
        ControlClient client = ControlClient.connect(new DataDirectory(dataDirectory).controlSocket());
        clients.add(client);
        return client;
    }

    @Test
    void shouldStreamSentTextToTailInOrder() throws Exception {
        ControlClient tail = connect(directory.resolve("b"));
        tail.send(Map.of("op", "tail", "backlog", 0));
        assertThat(tail.next().path("ok").asBoolean()).isTrue();

        for (int i = 0; i < 3; i++) {
            ControlClient send = connect(directory.resolve("a"));
            send.send(Map.of("op", "send", "session", "lobby", "text", "hello " + i));
            JsonNode reply = send.next();
            assertThat(reply.path("ok").asBoolean()).as(reply.toString()).isTrue();
            assertThat(reply.path("acknowledgedBy").get(0).asText()).isEqualTo("bob");
        }
        for (int i = 0; i < 3; i++) {
            JsonNode event = tail.next();
            assertThat(event.path("text").asText()).isEqualTo("hello " + i);
            assertThat(event.path("authorName").asText()).isEqualTo("alice");
            assertThat(event.path("session").asText()).isEqualTo("lobby");
            assertThat(event.path("author").asText()).isEqualTo(alice.id().toString());
            assertThat(event.path("local").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldAnswerEachOfManyTextsInOneRequestInOrder() throws Exception {
        // Many lines in one request (more than the in-flight window): each is answered on its own line, in the order
        // given, and they arrive in that order; one refused line does not stop the others.
        ControlClient tail = connect(directory.resolve("b"));
        tail.send(Map.of("op", "tail", "backlog", 0));
        assertThat(tail.next().path("ok").asBoolean()).isTrue();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < ControlServer.SEND_WINDOW + 44; i++) {
            texts.add(i == 7 ? "bell\u0007" : "line " + i);
        }
        ControlClient send = connect(directory.resolve("a"));
        send.send(Map.of("op", "send", "session", "lobby", "texts", texts, "timeoutMs", 20_000));
        for (int i = 0; i < texts.size(); i++) {
            JsonNode reply = send.next();
            if (i == 7) {
                assertThat(reply.path("error").asText()).contains("control characters");
            } else {
                assertThat(reply.path("ok").asBoolean())
                        .as("line " + i + ": " + reply)
                        .isTrue();
            }
        }
        for (int i = 0; i < texts.size(); i++) {
            if (i != 7) {
                assertThat(tail.next().path("text").asText()).isEqualTo("line " + i);
            }
        }
    }

    @Test
    void shouldReplayBacklogBeforeLiveEvents() throws Exception {
        ControlClient send = connect(directory.resolve("a"));
        send.send(Map.of("op", "send", "to", "bob", "text", "earlier"));
        assertThat(send.next().path("ok").asBoolean()).isTrue();

        ControlClient tail = connect(directory.resolve("b"));
        tail.send(Map.of("op", "tail", "backlog", 10));
        assertThat(tail.next().path("backlog").asInt()).isEqualTo(1);
        JsonNode first = tail.next();
        assertThat(first.path("text").asText()).isEqualTo("earlier");
        assertThat(first.path("session").asText()).isEqualTo("direct");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void shouldHearOnlyTheMediaStreamsAListenerAsksFor() throws Exception {
        ControlClient listen = connect(directory.resolve("b"));
        listen.send(Map.of("op", "media-listen", "streams", List.of(4)));
        assertThat(listen.next().path("ok").asBoolean()).isTrue();
        ControlClient hello = connect(directory.resolve("a"));
        hello.send(Map.of("op", "send", "session", "lobby", "text", "hello")); // media does not dial: a text first
        assertThat(hello.next().path("ok").asBoolean()).isTrue();
        for (int stream : new int[] {1, 4}) {
            ControlClient media = connect(directory.resolve("a"));
            media.send(Map.of("op", "media-send", "session", "lobby", "stream", stream));
            assertThat(media.next().path("ok").asBoolean()).isTrue();
            for (int i = 0; i < 3; i++) {
                media.send(Map.of("payload", java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) stream})));
            }
            media.send(Map.of("end", true));
            JsonNode summary = media.next();
            while (summary.has("level")) {
                summary = media.next(); // the links' degradation level, told first
            }
            assertThat(summary.path("outcomes").path("queued").asInt())
                    .as(summary.toString())
                    .isEqualTo(3);
        }
        for (int i = 0; i < 3; i++) {
            JsonNode heard = listen.next();
            assertThat(heard.path("stream").asInt()).as(heard.toString()).isEqualTo(4);
            assertThat(heard.path("payload").asText()).isEqualTo("BA==");
        }

        ControlClient wrong = connect(directory.resolve("b"));
        wrong.send(Map.of("op", "media-listen", "streams", List.of(70_000)));
        assertThat(wrong.next().path("error").asText())
                .isEqualTo("media-listen: \"streams\" holds stream ids, 0 to 65535");
    }

    @Test
    void shouldAnswerErrorsAsOneLine() throws Exception {
        ControlClient unknownPeer = connect(directory.resolve("a"));
        unknownPeer.send(Map.of("op", "send", "to", "zed", "text", "hi"));
        JsonNode reply = unknownPeer.next();
        assertThat(reply.path("ok").asBoolean()).isFalse();
        assertThat(reply.path("error").asText()).startsWith("no peer named 'zed'");

        ControlClient badOp = connect(directory.resolve("a"));
        badOp.send(Map.of("op", "dance"));
        assertThat(badOp.next().path("error").asText())
                .isEqualTo("unknown op 'dance' (send, tail, status, session, invite, join, state)");
    }

    @Test
    void shouldReportStatusWithListenAddressAndCounters() throws Exception {
        ControlClient send = connect(directory.resolve("a"));
        send.send(Map.of("op", "send", "to", "bob", "text", "count me"));
        send.next();
        ControlClient status = connect(directory.resolve("a"));
        status.send(Map.of("op", "status"));
        JsonNode json = status.next().path("status");
        assertThat(json.path("name").asText()).isEqualTo("alice");
        assertThat(json.path("listen").asText())
                .isEqualTo("127.0.0.1:" + alice.localAddress().getPort());
        assertThat(json.path("counters").path("eventsSent").asLong()).isEqualTo(1);
        assertThat(json.path("peers").get(0).path("name").asText()).isEqualTo("bob");
        assertThat(json.path("peers").get(0).path("rttMs").asDouble()).isPositive();
        // 1,200 until a path MTU probe confirms more (2 s after the session is up at the earliest).
        assertThat(json.path("peers").get(0).path("pathMtu").asInt()).isBetween(1200, 1472);
    }

    @Test
    void shouldKeepTheSocketOwnerOnlyAndRemoveItOnClose() throws Exception {
        Path socket = new DataDirectory(directory.resolve("a")).controlSocket();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-------");
        alice.close();
        assertThat(socket).doesNotExist();
        assertThatThrownBy(() -> ControlClient.connect(socket)).isInstanceOf(ControlClient.NotRunningException.class);
    }

    @Test
    void shouldTurnAwayClientsBeyondTheBoundAndOverlongRequestsWithOneLineAndServeTheRest() throws Exception {
        // Goal: the local control socket's bounds (32 clients at once, 64 KiB a request) hold, each with an answer
        // that says which, and the node serves again once a client leaves. Method: 16 tails (as many as may
        // subscribe) and 16 clients that have not sent their request yet hold every slot; the 33rd client is told;
        // one tail leaves and a status request is answered; then a 70 KiB request is refused.
        Path socket = new DataDirectory(directory.resolve("a")).controlSocket();
        List<ControlClient> tails = new ArrayList<>();
        for (int i = 0; i < ControlServer.CLIENTS_MAX; i++) {
            ControlClient tail = connect(directory.resolve("a"));
            if (i < 16) {
                tail.send(Map.of("op", "tail", "backlog", 0));
                JsonNode answer = tail.next();
                assertThat(answer.path("ok").asBoolean())
                        .as("client %d: %s", i + 1, answer)
                        .isTrue();
            }
            tails.add(tail);
        }
        try (ControlClient turnedAway = ControlClient.connect(socket)) {
            assertThat(turnedAway.next().path("error").asText()).isEqualTo("too many control clients (32)");
        }
        tails.get(0).close();
        clients.remove(tails.get(0));
        JsonNode[] status = new JsonNode[1];
        io.elara.testing.Await.until(
                () -> (status[0] = statusOrNull(socket)) != null, Duration.ofSeconds(10), "a slot to come free");
        assertThat(status[0].path("ok").asBoolean()).as(status[0].toString()).isTrue();
        tails.subList(1, tails.size()).forEach(tail -> {
            try {
                tail.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            clients.remove(tail);
        });

        io.elara.testing.Await.until(() -> statusOrNull(socket) != null, Duration.ofSeconds(10), "the slots to free");
        try (ControlClient overlong = ControlClient.connect(socket)) {
            overlong.send(Map.of("op", "send", "to", "bob", "text", "x".repeat(70_000)));
            assertThat(overlong.next().path("error").asText()).isEqualTo("request longer than 65536 bytes");
        }
    }

    /** The node's status answer, or null when it turned the client away. */
    private static JsonNode statusOrNull(Path socket) {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send(Map.of("op", "status"));
            JsonNode answer = client.next();
            return answer != null && answer.has("status") ? answer : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void shouldNeitherListenNorConnectInASocketFolderAnotherUserOwnsOrCanWriteTo() throws Exception {
        // Goal: the control socket's folder falls back to a predictable name under the temporary directory; another
        // user who made that folder first must not get the node's socket or stand in for it. Method: a folder owned
        // by "nobody" (this test runs as root, as CI does), then one writable by everyone; the node refuses to listen
        // there and a client refuses to connect there, each with one line naming the folder.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(Files.getOwner(Path.of("/proc/self")).getName()), "needs root, to give a folder away");
        Path folder = Files.createDirectory(directory.resolve("elara-0123456789abcdef"));
        Path socket = folder.resolve("control.sock");
        UserPrincipal nobody =
                folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(folder, nobody);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> ControlServer.start(socket, null, "127.0.0.1:0"))
                .hasMessage(
                        "control socket folder " + folder + " belongs to nobody, not to root; remove it, or give the"
                                + " node a data-dir with a shorter path");
        assertThat(socket).doesNotExist();
        Files.createFile(socket); // a socket of the other user's, as far as the client can tell
        assertThatThrownBy(() -> ControlClient.connect(socket))
                .hasMessageStartingWith("control socket folder " + folder);

        Files.delete(socket);
        Files.setOwner(folder, Files.getOwner(directory));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ControlServer.start(socket, null, "127.0.0.1:0"))
                .hasMessage("control socket folder " + folder + " is writable by other users (chmod o-w it)");

        // Put right, the same folder serves.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        ControlServer.start(socket, null, "127.0.0.1:0").close();
    }

    @Test
    void shouldNeverShowItsSocketOpenToOtherUsersEvenInAFolderTheyMayEnter() throws Exception {
        // Goal: in a folder other users may enter (a data directory left 0755), the control socket is never there
        // with a mode that lets them connect, not even for the moment between bind and chmod. Method: a watcher reads
        // the socket's mode as fast as it can while the node starts and stops 300 times; every mode it sees must be
        // owner-only. A second node on the same socket is refused while the first listens, and nothing else is
        // left in the folder.
        Path folder = Files.createDirectory(directory.resolve("open"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = folder.resolve("control.sock");
        java.util.Set<String> modesSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicLong sightings = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                try {
                    java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(
                            socket,
                            java.nio.file.attribute.PosixFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    modesSeen.add(PosixFilePermissions.toString(attributes.permissions()));
                    sightings.incrementAndGet();
                } catch (IOException e) {
                    // not there at this instant
                }
            }
        });
        watcher.start();
        try {
            for (int i = 0; i < 300; i++) {
                ControlServer server = ControlServer.start(socket, null, "127.0.0.1:0");
                try {
                    if (i == 0) {
                        assertThatThrownBy(() -> ControlServer.start(socket, null, "127.0.0.1:0"))
                                .hasMessage("another elara node is listening on control socket " + socket);
                        try (java.nio.channels.SocketChannel client =
                                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
                            assertThat(client.isConnected())
                                    .as("the socket at its own path serves")
                                    .isTrue();
                        }
                    }
                } finally {
                    server.close();
                }
            }
        } finally {
            done.set(true);
            watcher.join();
        }
        assertThat(sightings.get()).as("the watcher saw the socket").isPositive();
        assertThat(modesSeen).containsOnly("rw-------");
        try (java.util.stream.Stream<Path> left = Files.list(folder)) {
            assertThat(left).as("no socket and no private folder left behind").isEmpty();
        }
    }
}
