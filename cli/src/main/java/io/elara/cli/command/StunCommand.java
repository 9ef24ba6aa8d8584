package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.stun.NatReport;
import io.elara.cli.stun.StunProbe;
import io.elara.node.config.Addresses;
import io.elara.node.control.ControlJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara stun}: what the network between this host and a STUN server does to UDP, for a bug report. */
@Command(
        name = "stun",
        description = {
            "Report this host's local addresses, its reflexive address as a STUN server sees it, how its NAT maps and"
                    + " filters UDP (RFC 5780), and whether a relay is likely needed; with --turn, also allocate (and"
                    + " release) a relayed address on a TURN server.",
            "Any Elara node is a STUN server on its port; a server with an alternate address (coturn on two"
                    + " addresses) also tells filtering apart."
        },
        footer = {
            "",
            "Examples:",
            "  elara stun --server 203.0.113.5:7460",
            "  elara stun --server stun.example.net:3478 --json",
            "  elara stun --server 198.51.100.1:3478 --turn 198.51.100.1:3478 --turn-user alice"
                    + " --turn-password-file turn.pw"
        })
public final class StunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            required = true,
            description = "a STUN server (any Elara node); give two to compare mappings when neither has an alternate"
                    + " address")
    List<String> servers = new ArrayList<>();

    @Option(names = "--turn", paramLabel = "HOST:PORT", description = "a TURN server to allocate a relayed address on")
    String turn;

    @Option(names = "--turn-user", paramLabel = "NAME", description = "the TURN long-term credential's user name")
    String turnUser;

    @Option(
            names = "--turn-password-file",
            paramLabel = "FILE",
            description = "read the TURN password from the first line of FILE (else $ELARA_TURN_PASSWORD)")
    java.nio.file.Path turnPasswordFile;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description = "how long each request waits for its answer (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String server : servers) {
            addresses.add(address("--server", server));
        }
        InetSocketAddress turnServer = turn == null ? null : address("--turn", turn);
        String password = null;
        if (turnServer != null) {
            if (turnUser == null) {
                throw new ElaraUserException(ExitCode.USAGE, "--turn needs --turn-user");
            }
            password = turnPassword();
        }
        if (timeoutMs < 100 || timeoutMs > 60_000) {
            throw new ElaraUserException(ExitCode.USAGE, "--timeout-ms is 100 to 60000, got " + timeoutMs);
        }
        Map<String, Object> report;
        try (StunProbe probe = new StunProbe(new DatagramSocket(0), timeoutMs)) {
            report = NatReport.probe(probe, addresses, localAddresses());
        }
        if (turnServer != null) {
            try (StunProbe probe = new StunProbe(new DatagramSocket(0), timeoutMs)) {
                StunProbe.Allocation allocation = probe.allocate(turnServer, turnUser, password);
                Map<String, Object> relay = new LinkedHashMap<>();
                relay.put("server", turn);
                relay.put("relayed", NatReport.text(allocation.relayed()));
                relay.put("reflexive", NatReport.text(allocation.reflexive()));
                relay.put("lifetimeSeconds", allocation.lifetimeSeconds());
                relay.put("error", allocation.error());
                report.put("turn", relay);
            }
        }
        print(report);
        boolean failed = report.get("error") != null
                || (report.get("turn") instanceof Map<?, ?> relay && relay.get("error") != null);
        return failed ? ExitCode.FAILURE : ExitCode.OK;
    }

    private static InetSocketAddress address(String option, String text) {
        try {
            return Addresses.parse(text, true);
        } catch (IllegalArgumentException e) {
            throw new ElaraUserException(ExitCode.USAGE, option + " " + text + ": " + e.getMessage());
        }
    }

    private String turnPassword() throws IOException {
        if (turnPasswordFile != null) {
            if (!java.nio.file.Files.isReadable(turnPasswordFile)) {
                throw new ElaraUserException(ExitCode.USAGE, "cannot read --turn-password-file " + turnPasswordFile);
            }
            List<String> lines = java.nio.file.Files.readAllLines(turnPasswordFile);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new ElaraUserException(ExitCode.USAGE, turnPasswordFile + " has no password on its first line");
            }
            return lines.get(0);
        }
        String fromEnvironment = System.getenv("ELARA_TURN_PASSWORD");
        if (fromEnvironment == null || fromEnvironment.isEmpty()) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--turn needs a password: --turn-password-file FILE or $ELARA_TURN_PASSWORD");
        }
        return fromEnvironment;
    }

    /** Every address of every interface that is up, loopback last. */
    static List<String> localAddresses() {
        List<String> global = new ArrayList<>();
        List<String> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    String text = address.getHostAddress().replaceFirst("%.*$", "");
                    (address.isLoopbackAddress() ? loopback : global).add(text);
                }
            }
        } catch (SocketException e) {
            // No interface list: the report says so by listing none.
        }
        global.addAll(loopback);
        return global;
    }

    private void print(Map<String, Object> report) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ControlJson.MAPPER.writeValueAsString(report));
            out.flush();
            return;
        }
        line(out, "local addresses", String.join(", ", cast(report.get("localAddresses"))));
        line(out, "UDP socket", report.get("socket"));
        line(
                out,
                "STUN server",
                report.get("server")
                        + (report.get("otherAddress") == null
                                ? ""
                                : " (alternate address " + report.get("otherAddress") + ")"));
        if (report.get("error") != null) {
            line(out, "error", report.get("error"));
        } else {
            line(
                    out,
                    "reflexive address",
                    report.get("reflexive")
                            + (Boolean.TRUE.equals(report.get("nat")) ? "" : " (this host's own: no NAT on the way)"));
            line(out, "mapping", report.get("mapping"));
            line(out, "filtering", report.get("filtering"));
        }
        line(out, "relay needed", report.get("relayNeeded"));
        if (report.get("turn") instanceof Map<?, ?> relay) {
            line(
                    out,
                    "TURN relay",
                    relay.get("error") != null
                            ? relay.get("server") + ": " + relay.get("error")
                            : relay.get("server") + " allocated " + relay.get("relayed") + " (lifetime "
                                    + relay.get("lifetimeSeconds") + " s; released again)");
        }
        out.flush();
    }

    @SuppressWarnings("unchecked") // The report puts a List<String> under localAddresses.
    private static List<String> cast(Object list) {
        return (List<String>) list;
    }

    private static void line(PrintWriter out, String label, Object value) {
        out.printf(java.util.Locale.ROOT, "%-18s %s%n", label + ":", value);
    }
}
