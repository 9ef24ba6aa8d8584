package io.elara.node.flow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.elara.crypto.identity.Identity;
import io.elara.node.DeliveredEvent;
import io.elara.node.Node;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.NodeConfig;
import io.elara.testing.Await;
import io.elara.testing.SuppressForbidden;
import io.elara.testing.Threads;
import io.elara.testing.net.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows on real nodes over real UDP, with the real adapters: a JSON-lines file, stdout, a command, a local HTTP
 * server as the webhook's target, replies into the session, and the dead-letter file.
 */
class FlowRuntimeTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Node start(NodeConfig config, PrintStream stdout) throws Exception {
        Node node = Node.start(
                config,
                Identity.generate(new SecureRandom()),
                Node.Options.embedded().withFlowOutput(stdout));
        closing.add(node);
        return node;
    }

    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> lines = new ArrayList<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    lines.add(parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @SuppressForbidden(reason = "the JDK's HTTP server (module jdk.httpserver) is the webhook's real target")
    void shouldRecordBridgeReplyAndPostEveryEventAndKeepFailuresAsDeadLetters() throws Exception {
        List<String> posted = Collections.synchronizedList(new ArrayList<>());
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        http.start();
        closing.add(() -> http.stop(0));
        String hook = "http://127.0.0.1:" + http.getAddress().getPort();

        int alicePort = FreePorts.udp();
        int botPort = FreePorts.udp();
        NodeConfig alice = NodeConfig.builder("alice")
                .dataDirectory(directory.resolve("alice"))
                .bind("127.0.0.1", alicePort)
                .peer("bot", "127.0.0.1:" + botPort)
                .session("lobby", "bot")
                .build();
        NodeConfig bot = NodeConfig.builder("bot")
                .dataDirectory(directory.resolve("bot"))
                .bind("127.0.0.1", botPort)
                .peer("alice", "127.0.0.1:" + alicePort)
                .session("lobby", "alice")
                .flowsYaml("""
                        - name: recorder
                          include-own: true
                          steps:
                            - file: {path: %s}
                        - name: bridge
                          steps:
                            - filter: 'text startsWith "!up "'
                            - transform: '{text}'
                            - exec: {command: [sh, -c, 'cut -c5- | tr a-z A-Z'], timeout: 5s}
                            - reply: 'bridge: {text}'
                        - name: fail
                          steps:
                            - filter: 'text == "fail"'
                            - exec: {command: [sh, -c, 'echo no such thing >&2; exit 3']}
                        - name: hooks
                          steps:
                            - webhook: {url: '%s/hook'}
                            - webhook: {url: '%s/broken', timeout: 2s}
                        - name: print
                          steps:
                            - stdout: {template: '{author}> {text}'}
                        """.formatted(directory.resolve("records/lobby.jsonl"), hook, hook))
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Node botNode = start(bot, new PrintStream(printed, true, StandardCharsets.UTF_8));
        Node aliceNode = start(alice, null);
        List<String> seenByAlice = Collections.synchronizedList(new ArrayList<>());
        aliceNode
                .proxy()
                .subscribe((DeliveredEvent e) -> seenByAlice.add(e.event().text()), 0)
                .get(5, TimeUnit.SECONDS);

        for (String text : List.of("hello", "!up make me loud", "fail")) {
            SendResult result = aliceNode
                    .proxy()
                    .sendText(SendTarget.session("lobby"), text)
                    .get(10, TimeUnit.SECONDS);
            assertThat(result.allAcknowledged()).isTrue();
        }

        Await.until(() -> seenByAlice.contains("bridge: MAKE ME LOUD"), WAIT, "the bridge's reply");
        Path records = directory.resolve("records/lobby.jsonl");
        Await.until(() -> jsonLines(records).size() == 4, WAIT, "4 recorded events");
        List<JsonNode> recorded = jsonLines(records);
        assertThat(recorded)
                .extracting(j -> j.path("text").asText())
                .containsExactly("hello", "!up make me loud", "fail", "bridge: MAKE ME LOUD");
        assertThat(recorded.get(0).path("from").asText()).isEqualTo("alice");
        assertThat(recorded.get(3).path("local").asBoolean()).isTrue();
        assertThat(recorded.get(3).has("from")).isFalse();

        Await.until(() -> posted.size() == 3, WAIT, "3 webhook posts");
        assertThat(posted)
                .extracting(body -> parse(body).path("text").asText())
                .containsExactly("hello", "!up make me loud", "fail");

        Path deadLetters = directory.resolve("bot").resolve(DeadLetterFile.FILE_NAME);
        Await.until(() -> jsonLines(deadLetters).size() == 4, WAIT, "4 dead letters");
        List<JsonNode> letters = jsonLines(deadLetters);
        assertThat(letters)
                .filteredOn(j -> j.path("flow").asText().equals("fail"))
                .singleElement()
                .satisfies(j -> {
                    assertThat(j.path("step").asText()).isEqualTo("steps[1] exec");
                    assertThat(j.path("reason").asText()).endsWith("exited with 3: no such thing");
                    assertThat(j.path("message").path("text").asText()).isEqualTo("fail");
                });
        assertThat(letters)
                .filteredOn(j -> j.path("flow").asText().equals("hooks"))
                .hasSize(3)
                .allSatisfy(j -> assertThat(j.path("reason").asText())
                        .isEqualTo("webhook " + hook + "/broken answered HTTP 500"));
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("alice> hello", "alice> !up make me loud", "alice> fail");
        assertThat(botNode.flowCounters().deadLetters()).isEqualTo(4);
    }

    @Test
    void shouldRunEachMessageThroughAPipelineManifest() throws Exception {
        Files.writeString(directory.resolve("shout.yaml"), """
                name: shout
                nodes:
                  - {id: keep, type: text-filter, params: {matches: "!"}}
                  - {id: wrap, type: text-template, params: {template: "<<{text}>>"}}
                connections:
                  - {from: keep, to: wrap}
                """);
        int alicePort = FreePorts.udp();
        int botPort = FreePorts.udp();
        Path botFile = directory.resolve("bot.yaml");
        Files.writeString(botFile, """
                name: bot
                bind: {address: 127.0.0.1, port: BOT_PORT}
                peers: [{name: alice, address: '127.0.0.1:ALICE_PORT'}]
                flows:
                  - name: shout
                    steps:
                      - pipeline: {manifest: shout.yaml}
                      - stdout: {template: '{text}'}
                """.replace("BOT_PORT", Integer.toString(botPort))
                .replace("ALICE_PORT", Integer.toString(alicePort)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        start(io.elara.node.config.ConfigLoader.load(botFile), new PrintStream(printed, true, StandardCharsets.UTF_8));
        Node alice = start(
                NodeConfig.builder("alice")
                        .bind("127.0.0.1", alicePort)
                        .peer("bot", "127.0.0.1:" + botPort)
                        .build(),
                null);
        for (String text : List.of("quiet", "loud!")) {
            assertThat(alice.proxy()
                            .sendText(SendTarget.peer("bot"), text)
                            .get(10, TimeUnit.SECONDS)
                            .allAcknowledged())
                    .isTrue();
        }
        Await.until(() -> printed.toString(StandardCharsets.UTF_8).contains("\n"), WAIT, "a printed line");
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("<<loud!>>\n");
    }

    @Test
    void shouldStopItsThreadsWhenTheNodeCloses() throws Exception {
        NodeConfig bot = NodeConfig.builder("bot")
                .dataDirectory(directory.resolve("bot"))
                .bind("127.0.0.1", FreePorts.udp())
                .flowsYaml("""
                        - name: slow
                          steps: [{exec: {command: [sleep, '30']}}]
                        """)
                .build();
        Node node = Node.start(bot, Identity.generate(new SecureRandom()), Node.Options.embedded());
        assertThat(Threads.named("elara-flow")).isNotEmpty();
        node.close();
        Await.until(() -> Threads.named("elara-flow").isEmpty(), WAIT, "flow threads to stop");
        assertThat(Threads.named("elara-dead-letters")).isEmpty();
    }
}
