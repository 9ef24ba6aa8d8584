package io.elara.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path directory;

    private Path write(String yaml) throws Exception {
        Path file = directory.resolve("node.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private String error(String yaml) throws Exception {
        Path file = write(yaml);
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage().replace(file.toString(), "FILE");
        }
        throw new AssertionError("expected the config to be rejected:\n" + yaml);
    }

    @Test
    void shouldBindEveryFieldWhenTheFileIsComplete() throws Exception {
        Path file = write("""
                name: alice
                data-dir: alice-data
                bind:
                  address: 127.0.0.1
                  port: 7001
                peers:
                  - name: bob
                    address: 127.0.0.1:7002
                  - name: carol
                    address: "[::1]:7003"
                sessions:
                  - name: lobby
                    members: [bob, carol]
                limits:
                  peers-max: 10
                  send-queue-max: 100
                  text-bytes-max: 500
                  delivery-timeout-ms: 5000
                  subscribers-max: 3
                """);
        NodeConfig config = ConfigLoader.load(file);
        assertThat(config.name()).isEqualTo("alice");
        assertThat(config.source()).isEqualTo(file);
        assertThat(config.dataDirectory()).isEqualTo(directory.resolve("alice-data"));
        assertThat(config.bind()).isEqualTo(Addresses.parse("127.0.0.1:7001", false));
        assertThat(config.peers())
                .containsExactly(
                        new PeerConfig("bob", Addresses.parse("127.0.0.1:7002", false)),
                        new PeerConfig("carol", Addresses.parse("[::1]:7003", false)));
        assertThat(config.sessions()).containsExactly(new SessionConfig("lobby", java.util.List.of("bob", "carol")));
        assertThat(config.limits()).isEqualTo(new Limits(10, 100, 500, 5000, 3, 4096));
    }

    @Test
    void shouldApplyDefaultsWhenOnlyTheNameIsGiven() throws Exception {
        NodeConfig config = ConfigLoader.load(write("name: solo\n"));
        assertThat(config.dataDirectory()).isEqualTo(directory);
        assertThat(config.bind()).isEqualTo(Addresses.parse("0.0.0.0:" + NodeConfig.DEFAULT_PORT, false));
        assertThat(config.peers()).isEmpty();
        assertThat(config.sessions()).isEmpty();
        assertThat(config.limits()).isEqualTo(Limits.DEFAULT);
    }

    @Test
    void shouldNameTheFileWhenItIsMissing() {
        Path missing = directory.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file not found: " + missing);
    }

    @Test
    void shouldGiveLineAndColumnWhenYamlIsBroken() throws Exception {
        assertThat(error("name: alice\nbind:\n  port: [7001\n"))
                .isEqualTo("FILE:4:1: YAML syntax error: expected ',' or ']', but got <stream end>"
                        + " (while parsing a flow sequence at 3:9)");
        assertThat(error("name: alice\n  bad indent: here\n"))
                .isEqualTo("FILE:2:13: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void shouldNameUnknownKeyAndWhereItIs() throws Exception {
        assertThat(error("name: alice\nbind:\n  prot: 7001\n"))
                .isEqualTo("FILE:3:3: bind: unknown key 'prot' (known here: address, port)");
        assertThat(error("name: alice\ncolour: blue\n"))
                .startsWith(
                        "FILE:2:1: unknown key 'colour' (known here: bind, data-dir, degradation, flows, identity-file, join, limits,");
    }

    @Test
    void shouldReadTheStorageDurabilityAndRefuseAnythingButFullOrNormal() throws Exception {
        assertThat(ConfigLoader.load(write("name: alice\n")).durability()).isEqualTo(Durability.FULL);
        assertThat(ConfigLoader.load(write("name: alice\nstorage:\n  durability: normal\n"))
                        .durability())
                .isEqualTo(Durability.NORMAL);
        assertThat(error("name: alice\nstorage:\n  durability: always\n"))
                .isEqualTo("FILE:3:15: storage.durability: 'always' is not full or normal");
        assertThat(NodeConfig.builder("alice")
                        .durability(Durability.NORMAL)
                        .build()
                        .durability())
                .isEqualTo(Durability.NORMAL);
    }

    @Test
    void shouldReadTheStunServersAndNameABadOne() throws Exception {
        assertThat(ConfigLoader.load(write("name: alice\n")).stunServers()).isEmpty();
        assertThat(ConfigLoader.load(write("name: alice\nstun:\n  servers: [127.0.0.1:3478, '[::1]:3479']\n"))
                        .stunServers())
                .extracting(java.net.InetSocketAddress::getPort)
                .containsExactly(3478, 3479);
        assertThat(error("name: alice\nstun:\n  servers: [127.0.0.1:3478, 'stun.example']\n"))
                .isEqualTo("FILE:3:29: stun.servers[1]: 'stun.example' is not host:port");
        assertThat(error("name: alice\nstun:\n  servers: [127.0.0.1:3478, 127.0.0.1:3478]\n"))
                .isEqualTo("FILE:3:29: stun.servers[1]: '127.0.0.1:3478' is listed twice");
        assertThat(error("name: alice\nstun:\n  server: 127.0.0.1:3478\n"))
                .isEqualTo("FILE:3:3: stun: unknown key 'server' (known here: servers, turn)");
    }

    @Test
    void shouldReadTheMetricsAddressAndNameABadOne() throws Exception {
        assertThat(ConfigLoader.load(write("name: alice\n")).metricsListen()).isNull();
        assertThat(ConfigLoader.load(write("name: alice\nmetrics:\n  listen: 127.0.0.1:9464\n"))
                        .metricsListen())
                .isEqualTo(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9464));
        assertThat(error("name: alice\nmetrics:\n  listen: nowhere\n"))
                .isEqualTo("FILE:3:11: metrics.listen: 'nowhere' is not host:port");
        assertThat(error("name: alice\nmetrics:\n  port: 9464\n"))
                .isEqualTo("FILE:3:3: metrics: unknown key 'port' (known here: listen)");
    }

    @Test
    void shouldReadTheInvitesToJoinAndTheLoggingAndNameABadOne() throws Exception {
        String token = io.elara.node.membership.InviteToken.create(
                        io.elara.crypto.identity.Identity.fromSeed(new byte[32]),
                        io.elara.node.event.SessionId.forName("team"),
                        "team",
                        java.util.List.of(
                                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7460)),
                        java.time.Instant.now().plusSeconds(3600),
                        0,
                        new java.security.SecureRandom())
                .text();
        NodeConfig plain = ConfigLoader.load(write("name: alice\n"));
        assertThat(plain.join()).isEmpty();
        assertThat(plain.logging()).isEqualTo(NodeConfig.Logging.DEFAULT);
        NodeConfig config = ConfigLoader.load(
                write("name: alice\njoin:\n  - " + token + "\nlogging:\n  level: debug\n  format: json\n"));
        assertThat(config.join()).containsExactly(token);
        assertThat(config.logging()).isEqualTo(new NodeConfig.Logging("debug", "json"));
        assertThat(NodeConfig.builder("alice").join(token).build().join()).containsExactly(token);

        assertThat(error("name: alice\njoin:\n  - " + token + "\n  - elara-invite1:AAAA\n"))
                .startsWith("FILE:4:5: join[1]: not a valid invite: ");
        assertThat(error("name: alice\njoin:\n  - ''\n"))
                .isEqualTo("FILE:3:5: join[0]: empty; an invite, elara-invite1:…, from elara invite");
        assertThat(error("name: alice\nlogging:\n  level: loud\n"))
                .isEqualTo("FILE:3:10: logging.level: 'loud' is not one of error, warn, info, debug, trace");
        assertThat(error("name: alice\nlogging:\n  format: xml\n"))
                .isEqualTo("FILE:3:11: logging.format: 'xml' is not one of human, json");
        assertThat(error("name: alice\nlogging:\n  file: x.log\n"))
                .isEqualTo("FILE:3:3: logging: unknown key 'file' (known here: format, level)");
    }

    @Test
    void shouldReadTheDegradationThresholdsKeepTheDefaultsForTheRestAndNameABadOne() throws Exception {
        assertThat(ConfigLoader.load(write("name: alice\n")).degradation())
                .isEqualTo(io.elara.node.media.DegradationLadder.Thresholds.DEFAULTS);
        NodeConfig config = ConfigLoader.load(
                write("name: alice\ndegradation:\n  loss: 2.5%\n  rtt: 250ms\n  up-after: 3s\n  floor: low-voice\n"));
        io.elara.node.media.DegradationLadder.Thresholds d = config.degradation();
        assertThat(d.loss()).isEqualTo(0.025);
        assertThat(d.rttNs()).isEqualTo(250_000_000L);
        assertThat(d.upAfterNs()).isEqualTo(3_000_000_000L);
        assertThat(d.floor()).isEqualTo(io.elara.node.media.DegradationLevel.LOW_VOICE);
        assertThat(d.jitterNs()).isEqualTo(io.elara.node.media.DegradationLadder.Thresholds.DEFAULTS.jitterNs());
        assertThat(error("name: alice\ndegradation:\n  loss: 150%\n"))
                .isEqualTo(
                        "FILE:3:9: degradation.loss: '150%' is not a percentage above 0 and at most 100 (write e.g. 5%)");
        assertThat(error("name: alice\ndegradation:\n  up-after: 10ms\n"))
                .isEqualTo("FILE:3:13: degradation.up-after: '10ms' is out of range (1s to 1h)");
        assertThat(error("name: alice\ndegradation:\n  floor: worse\n"))
                .startsWith("FILE:3:10: degradation.floor: 'worse' is not a level (full, reduced-video,");
    }

    @Test
    void shouldReadTheIdentityFileRelativeToTheConfigAndRefuseADirectory() throws Exception {
        assertThat(ConfigLoader.load(write("name: alice\n")).identityFile()).isNull();
        NodeConfig config = ConfigLoader.load(write("name: alice\nidentity-file: keys/alice.key\n"));
        assertThat(config.identityFile())
                .isEqualTo(directory.resolve("keys/alice.key").normalize());
        assertThat(io.elara.node.store.DataDirectory.of(config).identityFile())
                .isEqualTo(directory.resolve("keys/alice.key").toAbsolutePath().normalize());
        assertThat(io.elara.node.store.DataDirectory.of(ConfigLoader.load(write("name: alice\n")))
                        .identityFile()
                        .getFileName())
                .hasToString("identity.key");
        java.nio.file.Files.createDirectories(directory.resolve("keys"));
        assertThat(error("name: alice\nidentity-file: keys\n"))
                .isEqualTo("FILE:2:16: identity-file: 'keys' is a directory; the key file itself (elara run creates it"
                        + " when missing)");
    }

    @Test
    void shouldReadTheTurnServerWithItsPasswordFromAFileAndNameWhatIsMissing() throws Exception {
        java.nio.file.Files.writeString(directory.resolve("turn.pw"), "turn secret\n");
        NodeConfig config = ConfigLoader.load(
                write(
                        "name: alice\nstun:\n  turn:\n    server: 127.0.0.1:3478\n    user: elara\n    password-file: turn.pw\n"));
        assertThat(config.turn().server().getPort()).isEqualTo(3478);
        assertThat(config.turn().user()).isEqualTo("elara");
        assertThat(config.turn().password()).isEqualTo("turn secret");
        assertThat(config.turn().toString()).doesNotContain("secret");
        assertThat(error("name: alice\nstun:\n  turn:\n    server: 127.0.0.1:3478\n    password-file: turn.pw\n"))
                .isEqualTo("FILE:4:5: stun.turn.user: missing; the TURN server's user name");
        String unreadable = "name: alice\nstun:\n  turn:\n    server: 127.0.0.1:3478\n    user: elara\n";
        assertThat(error(unreadable + "    password-file: nowhere.pw\n"))
                .startsWith("FILE:6:20: stun.turn.password-file: cannot read ")
                .contains("nowhere.pw");
    }

    @Test
    void shouldNameFieldWhenTypeIsWrong() throws Exception {
        assertThat(error("name: alice\nbind:\n  port: seven\n"))
                .isEqualTo("FILE:3:9: bind.port: expected a whole number, got 'seven'");
        assertThat(error("name: alice\nbind:\n  port: 70.5\n"))
                .isEqualTo("FILE:3:9: bind.port: expected a whole number, got '70.5'");
        assertThat(error("name: [alice]\n")).isEqualTo("FILE:1:7: name: expected text");
        assertThat(error("name: alice\npeers: bob\n")).isEqualTo("FILE:2:8: peers: expected a list, got 'bob'");
        assertThat(error("- name: alice\n")).isEqualTo("FILE:1:1: expected a mapping of keys to values");
    }

    @Test
    void shouldNameFieldWhenValueIsOutOfRange() throws Exception {
        assertThat(error("name: alice\nbind:\n  port: 70000\n"))
                .isEqualTo("FILE:3:9: bind.port: 70000 is out of range (0..65535; 0 picks a free port)");
        assertThat(error("name: alice\nlimits:\n  text-bytes-max: 65536\n"))
                .isEqualTo("FILE:3:19: limits.text-bytes-max: 65536 is out of range (1..65535)");
        // A peer's reassembly memory holds at least two of the longest events (1,024-byte text: 1,622-byte bodies).
        assertThat(error("name: alice\nlimits:\n  reassembly-bytes-max-per-peer: 3243\n"))
                .isEqualTo("FILE:3:34: limits.reassembly-bytes-max-per-peer: 3243 is out of range (3244..4294967296)");
        assertThat(error("name: alice\nlimits:\n  reassembly-bytes-max-per-peer: 4000\n  reassembly-bytes-max: 3999\n"))
                .isEqualTo("FILE:4:25: limits.reassembly-bytes-max: 3999 is out of range (4000..68719476736)");
        assertThat(error("name: alice\nlimits:\n  peers-max: 0\n"))
                .isEqualTo("FILE:3:14: limits.peers-max: 0 is out of range (1..4096)");
    }

    @Test
    void shouldRejectDuplicateKeys() throws Exception {
        assertThat(error("name: alice\nname: bob\n")).startsWith("FILE:2:").contains("Duplicate field 'name'");
    }

    @Test
    void shouldRejectBadNamesAndAddresses() throws Exception {
        assertThat(error("name: \"al ice\"\n")).startsWith("FILE:1:7: name: 'al ice' is not a valid name");
        assertThat(error("bind:\n  port: 1\n")).isEqualTo("FILE:1:1: name: missing; give a name such as alice");
        assertThat(error("name: a\npeers:\n  - name: b\n    address: 127.0.0.1\n"))
                .isEqualTo("FILE:4:14: peers[0].address: '127.0.0.1' is not host:port");
        assertThat(error("name: a\npeers:\n  - name: b\n    address: 127.0.0.1:0\n"))
                .isEqualTo("FILE:4:14: peers[0].address: port 0 is out of range (1..65535)");
        assertThat(error("name: a\npeers:\n  - name: b\n    address: ::1:80\n"))
                .contains("peers[0].address: '::1:80': write IPv6 addresses in brackets");
        assertThat(error("name: a\npeers:\n  - name: b\n    address: no_such.invalid:80\n"))
                .contains("peers[0].address: 'no_such.invalid' is not a valid host name or IP address");
        assertThat(error("name: a\npeers:\n  - name: a\n    address: 127.0.0.1:1\n"))
                .isEqualTo("FILE:3:11: peers[0].name: 'a' is this node's own name");
    }

    @Test
    void shouldBindAPeersIdentityAndCatchAMistypedOne() throws Exception {
        io.elara.crypto.identity.Identity bob = io.elara.crypto.identity.Identity.fromSeed(new byte[32]);
        String id = bob.nodeId().toString();
        String key = java.util.Base64.getEncoder().encodeToString(bob.staticPublicKey());
        NodeConfig config = ConfigLoader.load(write("name: a\npeers:\n  - name: bob\n    address: 127.0.0.1:7002\n"
                + "    id: " + id + "\n    key: " + key + "\n"));
        assertThat(config.peers().get(0).id()).isEqualTo(bob.nodeId());
        assertThat(config.peers().get(0).staticKeyBytes()).isEqualTo(bob.staticPublicKey());

        char last = id.charAt(id.length() - 1);
        String typo = id.substring(0, id.length() - 1) + (last == 'a' ? 'b' : 'a');
        assertThat(error("name: a\npeers:\n  - name: bob\n    address: 127.0.0.1:7002\n    id: " + typo + "\n"))
                .startsWith("FILE:5:9: peers[0].id: ")
                .endsWith("(copy it from 'elara id' on that node)");
        assertThat(error("name: a\npeers:\n  - name: bob\n    address: 127.0.0.1:7002\n    id: " + id
                        + "\n    key: c2hvcnQ=\n"))
                .isEqualTo("FILE:6:10: peers[0].key: not a 32-byte key in base64 (copy the x25519 line of"
                        + " 'elara key export-public')");
        assertThat(error("name: a\npeers:\n  - name: bob\n    address: 127.0.0.1:7002\n    key: " + key + "\n"))
                .isEqualTo("FILE:5:10: peers[0].key: a key needs the peer's id beside it");
    }

    @Test
    void shouldRejectSessionsThatNameUnknownOrRepeatedPeers() throws Exception {
        String peers = "name: a\npeers:\n  - name: b\n    address: 127.0.0.1:7002\n";
        assertThat(error(peers + "sessions:\n  - name: lobby\n    members: [b, c]\n"))
                .isEqualTo("FILE:7:18: sessions[0].members[1]: 'c' is not a peer in this file");
        assertThat(error(peers + "sessions:\n  - name: lobby\n    members: [b, b]\n"))
                .isEqualTo("FILE:7:18: sessions[0].members[1]: 'b' is listed twice");
        assertThat(error(peers + "sessions:\n  - name: direct\n    members: [b]\n"))
                .isEqualTo("FILE:6:11: sessions[0].name: 'direct' is reserved for direct messages");
    }

    @Test
    void shouldRejectEmptyAndNonUtf8Files() throws Exception {
        assertThat(error("")).isEqualTo("FILE: the file is empty; it needs at least 'name:'");
        assertThat(error("# only a comment\n")).isEqualTo("FILE: the file is empty; it needs at least 'name:'");
        // Found by ConfigFileFuzzTest: a document that is only a null reached the validator and threw.
        for (String onlyNull : new String[] {"~", "null\n", "# a comment\n~\n"}) {
            assertThat(error(onlyNull))
                    .isEqualTo("FILE: the file holds no settings, only a null; it needs at least 'name:'");
        }
        Path file = directory.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9});
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": not UTF-8 text");
    }

    @Test
    void shouldApplySameRulesWhenBuiltInCode() {
        assertThatThrownBy(
                        () -> NodeConfig.builder("ok").bind("127.0.0.1", 99_999).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("bind.port: 99999 is out of range (0..65535; 0 picks a free port)");
        assertThatThrownBy(() -> NodeConfig.builder("ok").session("s", "ghost").build())
                .hasMessage("sessions[0].members[0]: 'ghost' is not a peer in this file");
    }
}
