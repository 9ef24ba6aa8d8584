package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * iptables rules that drop UDP between ports on loopback, for system tests that cut paths between real nodes. Every
 * rule added is removed by {@link #heal()}. Needs root; {@link #requireRoot(String)} skips a test without it, except
 * in CI, where it fails.
 */
final class LoopbackFirewall {
    private final List<List<String>> rules = new ArrayList<>();

    /** Skips the calling test class without root (fails in CI, which runs as root); {@code what} says what needs it. */
    static void requireRoot(String what) {
        SystemTestSupport.requireTools("iptables");
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must run " + what + " as root");
            }
            org.junit.jupiter.api.Assumptions.abort("skipped: dropping datagrams with iptables needs root");
        }
    }

    /** Drops every UDP datagram between the ports {@code a} and {@code b} on loopback, both ways. */
    void block(int a, int b) throws Exception {
        for (List<String> rule : List.of(
                List.of("INPUT", "-i", "lo", "-p", "udp", "--sport", "" + a, "--dport", "" + b, "-j", "DROP"),
                List.of("INPUT", "-i", "lo", "-p", "udp", "--sport", "" + b, "--dport", "" + a, "-j", "DROP"))) {
            iptables("-I", rule);
            rules.add(rule);
        }
    }

    /** Removes every rule this firewall added. */
    void heal() throws Exception {
        for (List<String> rule : rules) {
            iptables("-D", rule);
        }
        rules.clear();
    }

    private static void iptables(String action, List<String> rule) throws Exception {
        List<String> command = new ArrayList<>(List.of("iptables", action));
        command.addAll(rule);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + ": " + output).isZero();
    }
}
