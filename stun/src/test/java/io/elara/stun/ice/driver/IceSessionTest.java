package io.elara.stun.ice.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.stun.ice.IceCandidate;
import io.elara.stun.ice.IceDescription;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real ice4j agents on this machine's own (non-loopback: ice4j never offers loopback) address: they check, nominate
 * and carry datagrams both ways on the selected path. Traffic stays on this machine.
 */
class IceSessionTest {
    @BeforeAll
    static void needsAnAddressButLoopback() throws Exception {
        boolean found = false;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    found |= address instanceof Inet4Address && !address.isLinkLocalAddress();
                }
            }
        }
        if (!found) {
            System.out.println("IceSessionTest skipped: this machine has no interface up but loopback");
        }
        Assumptions.assumeTrue(found, "no interface up but loopback");
    }

    @Test
    void shouldSelectAPathAndCarryDatagramsBothWaysOnItAfterTheAgentsSettle() throws Exception {
        try (IceSession controlling = IceSession.gather(true, List.of());
                IceSession controlled = IceSession.gather(false, List.of())) {
            assertThat(controlling.local().candidates()).allMatch(c -> c.type() == IceCandidate.Type.HOST);
            CompletableFuture<IceSession.Path> left = controlling.connect(controlled.local(), 5_000);
            CompletableFuture<IceSession.Path> right = controlled.connect(controlling.local(), 5_000);
            IceSession.Path a = left.get(10, TimeUnit.SECONDS);
            IceSession.Path b = right.get(10, TimeUnit.SECONDS);

            assertThat(a.remote()).isEqualTo(b.local());
            assertThat(a.kind()).isEqualTo("host -> host");
            // ice4j frees what was not selected 3 s after completing: the selected path must outlive that.
            Thread.sleep(3_500);
            assertThat(roundTrip(a, b, "hello from the controlling side")).isEqualTo("hello from the controlling side");
            assertThat(roundTrip(b, a, "and back")).isEqualTo("and back");
            assertThat(a.consentAgeMs(System.currentTimeMillis())).isBetween(0L, 20_000L);
        }
    }

    @Test
    void shouldFailWithinItsDeadlineWhenNoCandidateAnswers() throws Exception {
        try (IceSession session = IceSession.gather(true, List.of())) {
            // A port on this machine where nobody listens: every check goes unanswered (or refused).
            IceDescription silent = new IceDescription(
                    "sIlE",
                    "0123456789abcdefABCDEF+/",
                    List.of(new IceCandidate(
                            IceCandidate.Type.HOST,
                            "1",
                            2130706431,
                            new InetSocketAddress(
                                    session.local()
                                            .candidates()
                                            .get(0)
                                            .address()
                                            .getAddress(),
                                    9))));
            long start = System.nanoTime();
            CompletableFuture<IceSession.Path> path = session.connect(silent, 2_000);

            assertThatThrownBy(() -> path.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .hasMessageMatching("no path selected within 2000 ms|every candidate pair failed its checks");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        }
    }

    private static String roundTrip(IceSession.Path from, IceSession.Path to, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        from.send(bytes, bytes.length);
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        to.receive(packet);
        assertThat(packet.getSocketAddress()).isEqualTo(from.local());
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
