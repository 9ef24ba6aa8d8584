package io.elara.cli.stun;

import io.elara.stun.codec.StunAttributes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code elara stun} finds out about the network between this host and the Internet (RFC 5780 section 4): the
 * reflexive address, how the NAT maps (does the public address depend on where a packet goes?) and filters (who may
 * send back?), and whether a relay is likely needed.
 *
 * <p><b>Mapping.</b> With a server that has an alternate address (OTHER-ADDRESS, e.g. coturn on two addresses):
 * Binding requests to the primary address, to the alternate IP with the primary port, and to the alternate address;
 * the same mapped address everywhere is endpoint-independent, the same for one IP address-dependent, else address-
 * and-port-dependent. Without one, two servers given with {@code --server} serve: the same mapped address from both is
 * endpoint-independent (as far as two destinations tell), different ones dependent.
 *
 * <p><b>Filtering.</b> Asking the server to answer from its other IP and port (CHANGE-REQUEST): an answer is
 * endpoint-independent filtering; else asking for the other port only: an answer is address-dependent, none
 * address-and-port-dependent. Needs the alternate address too.
 */
public final class NatReport {
    public static final String INDEPENDENT = "endpoint-independent";
    public static final String ADDRESS = "address-dependent";
    public static final String ADDRESS_AND_PORT = "address-and-port-dependent";

    private NatReport() {}

    /** Probes from {@code probe}'s socket against {@code servers} (the first is the primary one). */
    public static Map<String, Object> probe(StunProbe probe, List<InetSocketAddress> servers, List<String> local)
            throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("localAddresses", local);
        report.put("socket", text(probe.local()));
        InetSocketAddress primary = servers.get(0);
        report.put("server", text(primary));
        StunProbe.Reply first = probe.binding(primary, 0);
        if (first == null) {
            report.put(
                    "error",
                    "no answer from the STUN server " + text(primary) + " (is it running, and is UDP to it allowed?)");
            report.put("relayNeeded", "unknown");
            return report;
        }
        InetSocketAddress mapped = mapped(first);
        InetSocketAddress other = first.message().address(StunAttributes.OTHER_ADDRESS);
        report.put("reflexive", text(mapped));
        report.put("answeredFrom", text(first.from()));
        report.put("otherAddress", other == null ? null : text(other));
        boolean behindNat = mapped == null
                || !local.contains(mapped.getAddress().getHostAddress())
                || mapped.getPort() != probe.local().getPort();
        report.put("nat", behindNat);

        String mapping;
        String filtering;
        if (other != null && !other.getAddress().equals(primary.getAddress())) {
            StunProbe.Reply second = probe.binding(new InetSocketAddress(other.getAddress(), primary.getPort()), 0);
            InetSocketAddress mapped2 = mapped(second);
            if (mapped2 == null) {
                mapping = "unknown (no answer from the server's alternate address " + text(other) + ")";
            } else if (mapped2.equals(mapped)) {
                mapping = INDEPENDENT;
            } else {
                InetSocketAddress mapped3 = mapped(probe.binding(other, 0));
                mapping = mapped3 != null && mapped3.equals(mapped2) ? ADDRESS : ADDRESS_AND_PORT;
            }
            if (probe.binding(primary, StunProbe.CHANGE_IP | StunProbe.CHANGE_PORT) != null) {
                filtering = INDEPENDENT;
            } else if (probe.binding(primary, StunProbe.CHANGE_PORT) != null) {
                filtering = ADDRESS;
            } else {
                filtering = ADDRESS_AND_PORT;
            }
        } else if (servers.size() > 1) {
            List<String> seen = new ArrayList<>();
            mapping = INDEPENDENT;
            for (InetSocketAddress server : servers.subList(1, servers.size())) {
                InetSocketAddress next = mapped(probe.binding(server, 0));
                seen.add(text(server) + " saw " + text(next));
                if (next == null) {
                    mapping = "unknown (no answer from " + text(server) + ")";
                    break;
                }
                if (!next.equals(mapped)) {
                    mapping = next.getAddress().equals(mapped.getAddress()) ? ADDRESS_AND_PORT : "address-changing";
                    break;
                }
            }
            report.put("otherServers", seen);
            filtering = "unknown (needs a server with an alternate address, such as coturn on two addresses)";
        } else {
            mapping = "unknown (the server has no alternate address; give a second --server to compare)";
            filtering = "unknown (needs a server with an alternate address, such as coturn on two addresses)";
        }
        if (!behindNat) {
            mapping = "none (no NAT: the reflexive address is this host's own)";
        }
        report.put("mapping", mapping);
        report.put("filtering", filtering);
        report.put("relayNeeded", relayNeeded(behindNat, mapping));
        return report;
    }

    /** Whether peers can reach this host directly, given how its NAT maps. */
    static String relayNeeded(boolean behindNat, String mapping) {
        if (!behindNat || mapping.equals(INDEPENDENT)) {
            return "no: peers can reach this host directly (with hole punching where the NAT filters)";
        }
        if (mapping.equals(ADDRESS) || mapping.equals(ADDRESS_AND_PORT) || mapping.equals("address-changing")) {
            return "likely: this NAT maps per destination (symmetric), so a peer behind another such NAT needs a TURN"
                    + " relay; a peer with endpoint-independent mapping can still connect directly";
        }
        return "unknown";
    }

    private static InetSocketAddress mapped(StunProbe.Reply reply) {
        if (reply == null) {
            return null;
        }
        InetSocketAddress xor = reply.message().address(StunAttributes.XOR_MAPPED_ADDRESS);
        return xor != null ? xor : reply.message().address(StunAttributes.MAPPED_ADDRESS);
    }

    /** {@code host:port}, IPv6 in brackets; null for null. */
    public static String text(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress()) {
            return "*:" + address.getPort();
        }
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
