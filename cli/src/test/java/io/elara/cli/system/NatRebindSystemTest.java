package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.net.UdpRelay;
import io.elara.testing.process.NodeProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A NAT that rebinds mid-session, with real processes: alice reaches bob through a userspace relay that plays her NAT.
 * Mid-conversation the relay takes a new port, so bob hears alice from a new address and what he sends to the old one
 * is lost. Bob's node follows her once her packets authenticate from there; nothing is lost or shown twice, in either
 * direction, and the configured session still takes her messages.
 */
class NatRebindSystemTest extends SystemTestSupport {
    @Test
    void shouldFollowAPeerWhoseNatRebindsMidSessionAndLoseNothing() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (UdpRelay nat = UdpRelay.between(
                new InetSocketAddress(loopback, alicePort), new InetSocketAddress(loopback, bobPort))) {
            Path alice = config("alice", alicePort, "bob", nat.leftFacing().getPort());
            Path bob = config("bob", bobPort, "alice", nat.rightFacing().getPort());
            NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
            NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
            aliceRun.awaitStderr("alice ready", START);
            bobRun.awaitStderr("bob ready", START);
            List<String> aliceSaid = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String text = "before " + i;
                finished(text, 0, "send", "-c", alice.toString(), "--session", "lobby", text);
                aliceSaid.add("alice: " + text);
            }
            InetSocketAddress before = nat.rightFacing();

            InetSocketAddress after = nat.rebindRight();
            assertThat(after.getPort()).isNotEqualTo(before.getPort());
            // Bob speaks first: his datagrams go to alice's old address and are lost until her next packet moves him.
            NodeProcess bobFirst = elara(
                    "bob after the rebind",
                    "send",
                    "-c",
                    bob.toString(),
                    "--session",
                    "lobby",
                    "--timeout-ms",
                    "60000",
                    "bob after the rebind");
            for (int i = 0; i < 3; i++) {
                String text = "after " + i;
                NodeProcess send = finished(text, 0, "send", "-c", alice.toString(), "--session", "lobby", text);
                assertThat(send.stdout()).isEqualTo("acknowledged by bob\n");
                aliceSaid.add("alice: " + text);
            }
            assertThat(bobFirst.waitFor(EXIT)).as(bobFirst.describe()).isZero();

            assertThat(historyLines(bob, "lobby")).containsExactlyElementsOf(merged(aliceSaid, bob));
            Await.until(
                    () -> historyLines(alice, "lobby").contains("bob: bob after the rebind"),
                    START,
                    "bob's message at alice");
            assertThat(historyLines(alice, "lobby"))
                    .filteredOn(line -> line.startsWith("bob: "))
                    .containsExactly("bob: bob after the rebind");
            JsonNode aliceAtBob = status(this, bob).path("peers").get(0);
            assertThat(aliceAtBob.path("address").asText())
                    .as("where bob's node sends to alice now")
                    .isEqualTo("127.0.0.1:" + after.getPort());
            assertThat(aliceAtBob.path("migrations").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(status(this, bob).path("rejects").path("not_member").asLong())
                    .isZero();
            assertThat(aliceRun.isAlive() && bobRun.isAlive()).isTrue();
        }
    }

    /** Bob's own line sits somewhere among alice's in his history; alice's keep their order around it. */
    private List<String> merged(List<String> aliceSaid, Path bob) {
        List<String> history = historyLines(bob, "lobby");
        List<String> expected = new ArrayList<>(aliceSaid);
        int at = history.indexOf("bob: bob after the rebind");
        assertThat(at).as("bob's own message in his history").isNotNegative();
        expected.add(Math.min(at, expected.size()), "bob: bob after the rebind");
        return expected;
    }
}
