package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.node.membership.InviteToken;
import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code elara stun} behind real NATs: {@code scripts/nat-lab} builds, in network namespaces, a public segment with
 * coturn on two addresses and two LANs behind NAT routers of a chosen kind (iptables). From each LAN host, {@code
 * elara stun} must classify its NAT as RFC 5780 defines it, and a host behind a symmetric NAT must get a relay from
 * coturn. The lab is taken down again, also when building it fails half-way. Needs root; CI runs it as root.
 */
class NatLabSystemTest extends SystemTestSupport {
    private static final Duration TOOL = Duration.ofSeconds(60);
    private final String prefix = "el" + (ProcessHandle.current().pid() % 100_000);

    @BeforeAll
    static void tools() {
        requireTools("ip", "iptables", "turnserver");
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must run the NAT lab as root");
            }
            org.junit.jupiter.api.Assumptions.abort("skipped: network namespaces and iptables need root");
        }
    }

    private Path script() {
        Path dir = Path.of("").toAbsolutePath();
        while (!dir.resolve("mvnw").toFile().isFile()) {
            dir = dir.getParent();
        }
        return dir.resolve("scripts/nat-lab");
    }

    private ToolRun lab(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script().toString()));
        command.addAll(List.of(args));
        return tool("nat-lab " + String.join(" ", args), TOOL, command.toArray(String[]::new));
    }

    /** {@code elara stun ARGS --json} on the LAN host {@code lan} (1 or 2), parsed. */
    private JsonNode stunFrom(int lan, Coturn server, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                prefix + "-lan" + lan,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("elara.jar"),
                "stun",
                "--server",
                "203.0.113.1:" + server.port,
                "--json"));
        command.addAll(List.of(args));
        ToolRun run = tool("stun from lan" + lan, TOOL, command.toArray(String[]::new));
        assertThat(run.exit()).as(run.output()).isIn(0, 1);
        return JSON.readTree(run.output()
                .lines()
                .filter(line -> line.startsWith("{"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSON report: " + run.output())));
    }

    private List<String> namespaces() {
        return tool("ip netns list", TOOL, "ip", "netns", "list")
                .output()
                .lines()
                .map(line -> line.split(" ", 2)[0])
                .filter(name -> name.startsWith(prefix + "-"))
                .toList();
    }

    @Test
    void shouldClassifyEachNatAndRelayFromBehindASymmetricOne() throws Exception {
        try {
            ToolRun up = lab("up", prefix, "full-cone", "symmetric");
            assertThat(up.exit()).as(up.output()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                JsonNode fullCone = stunFrom(1, coturn);
                assertThat(fullCone.path("reflexive").asText()).startsWith("203.0.113.11:");
                assertThat(fullCone.path("nat").asBoolean()).isTrue();
                assertThat(fullCone.path("mapping").asText()).isEqualTo("endpoint-independent");
                assertThat(fullCone.path("filtering").asText()).isEqualTo("endpoint-independent");
                assertThat(fullCone.path("relayNeeded").asText()).startsWith("no:");

                Path password = write("turn.pw", Coturn.PASSWORD + "\n");
                JsonNode symmetric = stunFrom(
                        2,
                        coturn,
                        "--turn",
                        "203.0.113.1:3478",
                        "--turn-user",
                        Coturn.USER,
                        "--turn-password-file",
                        password.toString());
                assertThat(symmetric.path("reflexive").asText()).startsWith("203.0.113.12:");
                assertThat(symmetric.path("mapping").asText()).isEqualTo("address-and-port-dependent");
                assertThat(symmetric.path("filtering").asText()).isEqualTo("address-and-port-dependent");
                assertThat(symmetric.path("relayNeeded").asText()).startsWith("likely:");
                assertThat(symmetric.path("turn").path("error").isNull())
                        .as(symmetric.toString())
                        .isTrue();
                assertThat(symmetric.path("turn").path("relayed").asText()).startsWith("203.0.113.1:");
                assertThat(symmetric.path("turn").path("reflexive").asText()).startsWith("203.0.113.12:");
            }

            // A cone NAT (Linux's own MASQUERADE): endpoint-independent mapping, but it filters by address and port.
            assertThat(lab("up", prefix, "cone", "cone").exit()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                JsonNode cone = stunFrom(1, coturn);
                assertThat(cone.path("mapping").asText()).isEqualTo("endpoint-independent");
                assertThat(cone.path("filtering").asText()).isEqualTo("address-and-port-dependent");
            }
        } finally {
            lab("down", prefix);
        }
        assertThat(namespaces()).as("everything the lab made is gone").isEmpty();
    }

    @Test
    void shouldConnectTwoNodesDirectlyFromBehindAFullConeNatToAFullConeAndASymmetricOne() throws Exception {
        // Goal: two people behind home routers chat without opening ports. Method: alice runs behind a full-cone NAT,
        // bob behind a full-cone NAT, then behind a symmetric one; each node learns its reflexive address from coturn
        // (stun.servers); alice's invite carries her LAN address, then her reflexive one; bob joins with it (his JOIN
        // gets no answer at her LAN address, which his network cannot reach, and goes on to the reflexive one), and
        // each one's message reaches the other.
        try {
            for (String bobNat : List.of("full-cone", "symmetric")) {
                ToolRun up = lab("up", prefix, "full-cone", bobNat);
                assertThat(up.exit()).as(up.output()).isZero();
                try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                    chatAcross(coturn, bobNat);
                }
            }
            // The other way round, alice behind a symmetric NAT lets nobody in first: without a relay the join gives
            // up in bounded time, and says where it tried and why.
            ToolRun up = lab("up", prefix, "symmetric", "full-cone");
            assertThat(up.exit()).as(up.output()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                refusedAcross(coturn);
            }
            // Both behind symmetric NATs, both with a relay on the same TURN server: they connect relay to relay.
            ToolRun both = lab("up", prefix, "symmetric", "symmetric");
            assertThat(both.exit()).as(both.output()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                relayedAcross(coturn);
            }
        } finally {
            lab("down", prefix);
        }
    }

    @Test
    void shouldMoveARelayedPairBehindTwoConeNatsToADirectPathThatIceFinds() throws Exception {
        // Goal: two people behind the most common home routers (a cone NAT: one mapping per port, but filtering by
        // address and port) chat directly, not through a relay, once both have been in touch. Method: each side's
        // router drops what the other sends first, so the join has to go relay to relay through coturn; then ICE
        // (ice4j, offer and answer over the relayed secure session) checks from both sides at once, which opens
        // both NATs, and the pair moves to the path it selects. To show the relay carries nothing any more, coturn
        // is stopped, and messages still go both ways.
        try {
            ToolRun up = lab("up", prefix, "cone", "cone");
            assertThat(up.exit()).as(up.output()).isZero();
            Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2");
            try {
                Path[] configs = relayedConfigs(coturn, "ivy", "jack");
                Path ivy = configs[0];
                Path jack = configs[1];
                NodeProcess ivyRun = elaraIn(prefix + "-lan1", "ivy run", "run", "-c", ivy.toString());
                NodeProcess jackRun = elaraIn(prefix + "-lan2", "jack run", "run", "-c", jack.toString());
                try {
                    joinThroughRelays(ivy, ivyRun, jack, jackRun);
                    for (Path config : List.of(ivy, jack)) {
                        Await.until(
                                () -> onlyPeerPath(config).startsWith("ICE "),
                                Duration.ofSeconds(30),
                                "a direct path found by ICE at " + config);
                    }
                    String ivyStatus = finished("status", 0, "status", "-c", ivy.toString())
                            .stdout();
                    assertThat(ivyStatus).containsPattern("path ICE \\S+ -> \\S+ \\S+ -> 203\\.0\\.113\\.12:\\d+");
                    coturn.close();
                    for (Path config : List.of(jack, ivy)) {
                        String name = config.getFileName().toString().replace(".yaml", "");
                        NodeProcess send = finished(
                                name + " says hi without the relay",
                                0,
                                "send",
                                "-c",
                                config.toString(),
                                "--session",
                                "team",
                                "direct from " + name);
                        assertThat(send.stdout().strip()).startsWith("acknowledged by ");
                    }
                    for (Path config : List.of(ivy, jack)) {
                        Await.until(
                                () -> historyLines(config, "team").size() == 4,
                                Duration.ofSeconds(20),
                                "all four messages at " + config);
                        assertThat(historyLines(config, "team"))
                                .contains("ivy: direct from ivy", "jack: direct from jack");
                    }
                } finally {
                    ivyRun.close();
                    jackRun.close();
                }
            } finally {
                coturn.close();
            }
        } finally {
            lab("down", prefix);
        }
    }

    @Test
    void shouldJoinThroughAPublicMemberAndThenConnectTwoConeNatsDirectly() throws Exception {
        // Goal: people behind cone NATs (the NAT filters what a peer sends first) invite each other and talk
        // directly, with no TURN server, when their session has a member both can reach. Method: pia runs on the
        // public segment and creates the session; ivy, behind a cone NAT, joins with pia's invite. Then ivy invites
        // jack, behind another cone NAT: ivy's NAT keeps jack's JOIN out at both of her own addresses, so he goes on
        // to the next address her invite names, pia's, and joins through her. Pia's session control tells ivy and
        // jack each other's address as she sees it (the reflexive one) at the same moment, so both dial at once:
        // each one's handshake opens its own NAT for the other's, and their secure session comes up directly. A
        // message from jack is acknowledged by both.
        try {
            ToolRun up = lab("up", prefix, "cone", "cone");
            assertThat(up.exit()).as(up.output()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                Path pia = write(
                        "pia.yaml",
                        Files.readString(natConfig("pia", coturn)).replace("address: 0.0.0.0", "address: 203.0.113.2"));
                Path ivy = natConfig("ivy-cone", coturn);
                Path jack = natConfig("jack-cone", coturn);
                NodeProcess piaRun = elaraIn(prefix + "-pub", "pia run", "run", "-c", pia.toString());
                NodeProcess ivyRun = elaraIn(prefix + "-lan1", "ivy run", "run", "-c", ivy.toString());
                NodeProcess jackRun = elaraIn(prefix + "-lan2", "jack run", "run", "-c", jack.toString());
                try {
                    piaRun.awaitStderr("pia ready on", START);
                    ivyRun.awaitStderr("ivy-cone ready on", START);
                    jackRun.awaitStderr("jack-cone ready on", START);
                    finished("create", 0, "session", "create", "team", "-c", pia.toString());
                    String token = finished("invite", 0, "invite", "team", "-c", pia.toString())
                            .stdout()
                            .strip();
                    finished("ivy joins", 0, "join", token, "-c", ivy.toString());
                    Await.until(
                            () -> inviteAddresses(ivy).stream()
                                    .anyMatch(address -> address.toString().endsWith("203.0.113.2:7460")),
                            Duration.ofSeconds(20),
                            "ivy's invite to name pia, a member on a public address");
                    List<java.net.InetSocketAddress> named = inviteAddresses(ivy);
                    assertThat(named)
                            .extracting(address -> address.getHostString() + ":" + address.getPort())
                            .as("her LAN address, her reflexive one, then pia's")
                            .startsWith("10.1.0.2:7460", "203.0.113.11:7460", "203.0.113.2:7460");
                    String ivyToken = finished("ivy invites", 0, "invite", "team", "-c", ivy.toString())
                            .stdout()
                            .strip();
                    finished("jack joins through pia", 0, "join", ivyToken, "-c", jack.toString());
                    assertThat(jackRun.stderr()).contains("trying 203.0.113.2:7460");
                    Await.until(
                            () -> peerPath(ivy, "jack-cone").equals("direct")
                                    && peerPath(jack, "ivy-cone").equals("direct"),
                            Duration.ofSeconds(20),
                            "ivy and jack connected to each other directly");
                    JsonNode jackAtIvy = peer(ivy, "jack-cone");
                    assertThat(jackAtIvy.path("address").asText()).isEqualTo("203.0.113.12:7460");
                    assertThat(jackAtIvy.path("secure").asText()).isEqualTo("up");
                    NodeProcess send = finished(
                            "jack says hi", 0, "send", "-c", jack.toString(), "--session", "team", "hi from jack");
                    assertThat(send.stdout().strip())
                            .isIn("acknowledged by ivy-cone, pia", "acknowledged by pia, ivy-cone");
                    Await.until(
                            () -> historyLines(ivy, "team").contains("jack-cone: hi from jack"),
                            Duration.ofSeconds(10),
                            "jack's message at ivy");
                } finally {
                    piaRun.close();
                    ivyRun.close();
                    jackRun.close();
                }
            }
        } finally {
            lab("down", prefix);
        }
    }

    @Test
    void shouldGoBackToTheRelayWhenTheDirectPathIceFoundStopsWorking() throws Exception {
        // Goal: a direct path can stop working mid-conversation (a NAT reboots, a firewall rule changes); the pair
        // must not go silent. Method: two nodes behind cone NATs move from their relays to a direct path by ICE; then
        // the first NAT drops everything from the second one's public address (coturn's stays allowed). Consent
        // freshness (RFC 7675) stops being confirmed on both sides, and after 30 s each goes back to the relay, saying
        // why; messages then go both ways again.
        try {
            ToolRun up = lab("up", prefix, "cone", "cone");
            assertThat(up.exit()).as(up.output()).isZero();
            try (Coturn coturn = Coturn.inNamespace(directory, prefix + "-pub", "203.0.113.1", "203.0.113.2")) {
                Path[] configs = relayedConfigs(coturn, "kim", "lev");
                Path kim = configs[0];
                Path lev = configs[1];
                NodeProcess kimRun = elaraIn(prefix + "-lan1", "kim run", "run", "-c", kim.toString());
                NodeProcess levRun = elaraIn(prefix + "-lan2", "lev run", "run", "-c", lev.toString());
                try {
                    joinThroughRelays(kim, kimRun, lev, levRun);
                    for (Path config : List.of(kim, lev)) {
                        Await.until(
                                () -> onlyPeerPath(config).startsWith("ICE "),
                                Duration.ofSeconds(30),
                                "a direct path found by ICE at " + config);
                    }
                    ToolRun block = tool(
                            "block the direct path",
                            TOOL,
                            "ip",
                            "netns",
                            "exec",
                            prefix + "-nat1",
                            "iptables",
                            "-I",
                            "FORWARD",
                            "-s",
                            "203.0.113.12",
                            "-j",
                            "DROP");
                    assertThat(block.exit()).as(block.output()).isZero();
                    for (Path config : List.of(kim, lev)) {
                        Await.until(
                                () -> onlyPeerPath(config)
                                        .startsWith("relayed (TURN); ICE lost its direct path (no consent for 30 s)"),
                                Duration.ofSeconds(60),
                                "back on the relay at " + config);
                    }
                    for (Path config : List.of(lev, kim)) {
                        String name = config.getFileName().toString().replace(".yaml", "");
                        NodeProcess send = finished(
                                name + " says hi through the relay again",
                                0,
                                "send",
                                "-c",
                                config.toString(),
                                "--session",
                                "team",
                                "relayed again from " + name);
                        assertThat(send.stdout().strip()).startsWith("acknowledged by ");
                    }
                } finally {
                    kimRun.close();
                    levRun.close();
                }
            }
        } finally {
            lab("down", prefix);
        }
    }

    /** The peer named {@code name} in {@code config}'s node's status, or a missing node. */
    private JsonNode peer(Path config, String name) {
        for (JsonNode peer : status(this, config).path("peers")) {
            if (peer.path("name").asText().equals(name)) {
                return peer;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The path to the peer named {@code name}, when its secure session is up; else empty. */
    private String peerPath(Path config, String name) {
        JsonNode peer = peer(config, name);
        return peer.path("secure").asText().equals("up") ? peer.path("path").asText() : "";
    }

    /** The path of the one peer {@code config}'s node knows, from {@code elara status --json}. */
    private String onlyPeerPath(Path config) {
        JsonNode peers = status(this, config).path("peers");
        return peers.size() == 1 ? peers.get(0).path("path").asText() : "";
    }

    /** Two LAN node configs with coturn as their STUN and TURN server. */
    private Path[] relayedConfigs(Coturn coturn, String first, String second) throws java.io.IOException {
        Path password = write("turn.pw", Coturn.PASSWORD + "\n");
        String turn = String.join(
                "\n",
                "  turn:",
                "    server: 203.0.113.1:" + coturn.port,
                "    user: " + Coturn.USER,
                "    password-file: " + password.getFileName(),
                "");
        return new Path[] {
            write(first + ".yaml", Files.readString(natConfig(first, coturn)) + turn),
            write(second + ".yaml", Files.readString(natConfig(second, coturn)) + turn)
        };
    }

    /**
     * Both nodes get their relays; the first creates {@code team} and invites, the second joins through its relay to
     * the first's, and each one's message reaches the other.
     */
    private void joinThroughRelays(Path first, NodeProcess firstRun, Path second, NodeProcess secondRun) {
        String firstName = first.getFileName().toString().replace(".yaml", "");
        String secondName = second.getFileName().toString().replace(".yaml", "");
        firstRun.awaitStderr(firstName + " ready on", START);
        secondRun.awaitStderr(secondName + " ready on", START);
        for (Path config : List.of(first, second)) {
            Await.until(
                    () -> status(this, config).path("relayed").asText().startsWith("203.0.113."),
                    Duration.ofSeconds(20),
                    "a relayed address for " + config);
        }
        finished("create", 0, "session", "create", "team", "-c", first.toString());
        String token = finished("invite", 0, "invite", "team", "-c", first.toString())
                .stdout()
                .strip();
        String relayed = status(this, first).path("relayed").asText();
        assertThat(InviteToken.parse(token).token().addresses())
                .extracting(address -> address.getHostString() + ":" + address.getPort())
                .contains(relayed);
        finished(secondName + " joins", 0, "join", token, "-c", second.toString());
        assertThat(secondRun.stderr()).contains("trying " + relayed);
        for (Path config : List.of(second, first)) {
            String name = config.getFileName().toString().replace(".yaml", "");
            NodeProcess send = finished(
                    name + " says hi", 0, "send", "-c", config.toString(), "--session", "team", "hi from " + name);
            assertThat(send.stdout().strip()).startsWith("acknowledged by ");
        }
        for (Path config : List.of(first, second)) {
            Await.until(
                    () -> historyLines(config, "team").size() == 2,
                    Duration.ofSeconds(20),
                    "both messages at " + config);
            assertThat(historyLines(config, "team"))
                    .containsExactlyInAnyOrder(
                            firstName + ": hi from " + firstName, secondName + ": hi from " + secondName);
        }
    }

    /** A node config for a LAN host: every address, the node's default port, coturn as its STUN server. */
    private Path natConfig(String name, Coturn coturn) {
        return write(
                name + ".yaml",
                String.join(
                        "\n",
                        "name: " + name,
                        "data-dir: " + name + "-data",
                        "bind:",
                        "  address: 0.0.0.0",
                        "  port: 7460",
                        "stun:",
                        "  servers: [203.0.113.1:" + coturn.port + "]",
                        ""));
    }

    private List<java.net.InetSocketAddress> inviteAddresses(Path config) {
        String token = finished("invite", 0, "invite", "team", "-c", config.toString())
                .stdout()
                .strip();
        InviteToken.Decoded decoded = InviteToken.parse(token);
        assertThat(decoded.reject()).isEqualTo(io.elara.node.membership.InviteReject.NONE);
        return decoded.token().addresses();
    }

    private void chatAcross(Coturn coturn, String bobNat) {
        String alice = "alice-" + bobNat;
        String bob = "bob-" + bobNat;
        Path aliceConfig = natConfig(alice, coturn);
        Path bobConfig = natConfig(bob, coturn);
        NodeProcess aliceRun = elaraIn(prefix + "-lan1", alice + " run", "run", "-c", aliceConfig.toString());
        NodeProcess bobRun = elaraIn(prefix + "-lan2", bob + " run", "run", "-c", bobConfig.toString());
        try {
            aliceRun.awaitStderr(alice + " ready on", START);
            bobRun.awaitStderr(bob + " ready on", START);
            finished("create", 0, "session", "create", "team", "-c", aliceConfig.toString());
            Await.until(
                    () -> inviteAddresses(aliceConfig).stream()
                            .anyMatch(address -> address.getHostString().equals("203.0.113.11")),
                    Duration.ofSeconds(20),
                    "alice's invite to carry her reflexive address");
            assertThat(status(this, aliceConfig).path("reflexive").toString()).isEqualTo("[\"203.0.113.11:7460\"]");
            assertThat(finished("status", 0, "status", "-c", aliceConfig.toString())
                            .stdout())
                    .contains("seen from outside at 203.0.113.11:7460 (STUN)");
            String token = finished("invite", 0, "invite", "team", "-c", aliceConfig.toString())
                    .stdout()
                    .strip();
            assertThat(InviteToken.parse(token).token().addresses())
                    .extracting(java.net.InetSocketAddress::getHostString)
                    .as("her LAN address, then the one her NAT gave her (then loopback)")
                    .startsWith("10.1.0.2", "203.0.113.11");

            NodeProcess join = finished(bob + " joins", 0, "join", token, "-c", bobConfig.toString());
            assertThat(join.stdout()).contains("team");
            assertThat(bobRun.stderr()).contains("trying 203.0.113.11:7460");
            for (Path config : List.of(bobConfig, aliceConfig)) {
                String name = config.getFileName().toString().replace(".yaml", "");
                NodeProcess send = finished(
                        name + " says hi", 0, "send", "-c", config.toString(), "--session", "team", "hi from " + name);
                assertThat(send.stdout().strip()).startsWith("acknowledged by ");
            }
            for (Path config : List.of(aliceConfig, bobConfig)) {
                Await.until(
                        () -> historyLines(config, "team").size() == 2,
                        Duration.ofSeconds(20),
                        "both messages at " + config);
                assertThat(historyLines(config, "team"))
                        .containsExactlyInAnyOrder(alice + ": hi from " + alice, bob + ": hi from " + bob);
            }
        } finally {
            aliceRun.close();
            bobRun.close();
        }
    }

    private void relayedAcross(Coturn coturn) throws Exception {
        Path[] configs = relayedConfigs(coturn, "gail", "hugo");
        Path gail = configs[0];
        Path hugo = configs[1];
        NodeProcess gailRun = elaraIn(prefix + "-lan1", "gail run", "run", "-c", gail.toString());
        NodeProcess hugoRun = elaraIn(prefix + "-lan2", "hugo run", "run", "-c", hugo.toString());
        try {
            joinThroughRelays(gail, gailRun, hugo, hugoRun);
            assertThat(finished("status", 0, "status", "-c", gail.toString()).stdout())
                    .containsPattern("relayed at 203\\.0\\.113\\.\\d+:\\d+ \\(TURN\\)");
            // Two symmetric NATs: every check leaves from a new port, so ICE finds nothing, in bounded time, and the
            // pair stays on the relay, saying why.
            for (Path config : List.of(gail, hugo)) {
                Await.until(
                        () -> onlyPeerPath(config).startsWith("relayed (TURN); ICE found no direct path: "),
                        Duration.ofSeconds(40),
                        "ICE to give up at " + config);
            }
            NodeProcess send =
                    finished("gail says more", 0, "send", "-c", gail.toString(), "--session", "team", "still relayed");
            assertThat(send.stdout().strip()).startsWith("acknowledged by ");
        } finally {
            gailRun.close();
            hugoRun.close();
        }
    }

    private void refusedAcross(Coturn coturn) {
        Path aliceConfig = natConfig("erin-symmetric", coturn);
        Path bobConfig = natConfig("frank-full-cone", coturn);
        NodeProcess aliceRun = elaraIn(prefix + "-lan1", "erin-symmetric run", "run", "-c", aliceConfig.toString());
        NodeProcess bobRun = elaraIn(prefix + "-lan2", "frank-full-cone run", "run", "-c", bobConfig.toString());
        try {
            aliceRun.awaitStderr("erin-symmetric ready on", START);
            bobRun.awaitStderr("frank-full-cone ready on", START);
            finished("create", 0, "session", "create", "team", "-c", aliceConfig.toString());
            Await.until(
                    () -> inviteAddresses(aliceConfig).stream()
                            .anyMatch(address -> address.getHostString().equals("203.0.113.11")),
                    Duration.ofSeconds(20),
                    "alice's invite to carry her reflexive address");
            String token = finished("invite", 0, "invite", "team", "-c", aliceConfig.toString())
                    .stdout()
                    .strip();
            long startNs = System.nanoTime();
            NodeProcess join = finished("bob joins", 1, "join", token, "-c", bobConfig.toString());
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofSeconds(40));
            assertThat(join.stderr().strip())
                    .startsWith("elara: no answer from the inviter at any of its ")
                    .contains("10.1.0.2:7460, 203.0.113.11:")
                    .contains(
                            "a TURN server in both configs, or an invite made while the inviter is connected to a member both can reach")
                    .doesNotContain("\n");
        } finally {
            aliceRun.close();
            bobRun.close();
        }
    }

    @Test
    void shouldRemoveWhatItBuiltWhenBuildingFailsHalfWay() {
        // The name the script gives the first router's WAN interface is taken in the root namespace, so building
        // fails after the namespaces exist.
        String taken = prefix + "w1";
        ToolRun block = tool("block", TOOL, "ip", "link", "add", taken, "type", "veth", "peer", "name", prefix + "z1");
        assertThat(block.exit()).as(block.output()).isZero();
        try {
            ToolRun up = lab("up", prefix, "cone", "symmetric");
            assertThat(up.exit()).isNotZero();
            assertThat(up.output()).contains("building the lab failed; removing it");
            assertThat(namespaces()).isEmpty();
        } finally {
            tool("unblock", TOOL, "ip", "link", "del", taken);
            lab("down", prefix);
        }
        ToolRun unknown = lab("up", prefix, "cone", "wide-open");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.output().strip())
                .isEqualTo("nat-lab: unknown NAT kind 'wide-open' (full-cone, cone, symmetric)");
        assertThat(namespaces()).isEmpty();
    }
}
