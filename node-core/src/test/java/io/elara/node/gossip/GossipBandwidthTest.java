package io.elara.node.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.sim.LinkProfile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Goal: bandwidth per node is O(message rate), not O(members²): what one node sends per broadcast message does not grow
 * with the session. Method: sessions of 10, 100 and 1,000 nodes (20 ms links, 5% loss) each carry 60 broadcasts (100 ms apart) from
 * random members; all frames every node sends while they spread (payloads, IHAVE, GRAFT, PRUNE, heartbeats, overlay
 * upkeep, anti-entropy) are divided by nodes × messages. A full mesh would send n - 1 payloads per node per message.
 */
class GossipBandwidthTest {
    @Test
    @DisplayName("gossip: bytes per node per message flat from 10 to 1,000 members")
    void shouldSendAboutTheSameBytesPerNodePerMessageWhenTheSessionGrowsHundredfold() {
        LinkProfile link = new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), 0, 0.05, 0, 0, 0);
        int[] sizes = {10, 100, 1_000};
        double[] bytes = new double[sizes.length];
        double[] payloads = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            GossipLatencyTest.Figures figures = GossipLatencyTest.run(sizes[i], 1, link, GossipConfig.DEFAULT, 60);
            System.out.println(figures.line("gossip bandwidth: " + sizes[i] + " members, 5% loss")
                    + String.format(java.util.Locale.ROOT, " (a full mesh: %d payloads)", sizes[i] - 1));
            assertThat(figures.violations()).isEmpty();
            assertThat(figures.missing())
                    .as("%d members: every member has every message", sizes[i])
                    .isZero();
            bytes[i] = figures.bytesPerNodePerMessage();
            payloads[i] = figures.payloadsPerNodePerMessage();
        }
        // A hundredfold larger session may cost a small constant factor more per node (one or two more hops of
        // redundant copies), never a factor that grows with n.
        assertThat(bytes[2])
                .as("bytes per node per message, 1,000 vs 10 members")
                .isLessThan(2 * bytes[0]);
        assertThat(bytes[2])
                .as("bytes per node per message, 1,000 vs 100 members")
                .isLessThan(1.5 * bytes[1]);
        assertThat(payloads[2])
                .as("payload frames per node per message at 1,000 members")
                .isLessThan(GossipConfig.DEFAULT.activeViewSize());
    }
}
