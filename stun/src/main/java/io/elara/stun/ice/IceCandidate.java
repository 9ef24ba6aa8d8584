package io.elara.stun.ice;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One ICE candidate (RFC 8445 section 5.1): a transport address a node may be reached at, its type, foundation and
 * priority. UDP only.
 *
 * @param type how the address was learned
 * @param foundation 1 to 32 ice-chars, equal for candidates of one type from one base and server
 * @param priority 1 to 2^31 - 1
 * @param address a literal IP address and port, never a name
 */
public record IceCandidate(Type type, String foundation, long priority, InetSocketAddress address) {
    /** The candidate types, with their SDP names. */
    public enum Type {
        HOST("host"),
        SERVER_REFLEXIVE("srflx"),
        PEER_REFLEXIVE("prflx"),
        RELAYED("relay");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** The type named {@code word}, or null. */
        public static Type of(String word) {
            for (Type type : values()) {
                if (type.word.equals(word)) {
                    return type;
                }
            }
            return null;
        }
    }

    public IceCandidate {
        if (!IceDescription.iceChars(foundation, 1, 32)) {
            throw new IllegalArgumentException("a foundation is 1 to 32 of A-Z a-z 0-9 + /");
        }
        if (priority < 1 || priority > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a priority is 1 to 2147483647");
        }
        if (address.isUnresolved() || address.getPort() == 0) {
            throw new IllegalArgumentException("a candidate's address is an IP address and a port");
        }
    }

    /** {@code TYPE,FOUNDATION,PRIORITY,ADDRESS:PORT} (an IPv6 address in brackets). */
    public String text() {
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        return String.format(Locale.ROOT, "%s,%s,%d,%s:%d", type.word(), foundation, priority, host, address.getPort());
    }
}
