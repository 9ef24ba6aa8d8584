package io.elara.node.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses {@code host:port} and {@code [ipv6]:port}. */
public final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOSTNAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");

    private Addresses() {}

    /**
     * Parses {@code text} as {@code host:port}.
     *
     * @param resolveNames whether a host name may be looked up (which can block, so only at load time); when false,
     *     only IP literals are accepted
     * @throws IllegalArgumentException with a short reason
     */
    public static InetSocketAddress parse(String text, boolean resolveNames) {
        String trimmed = text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = trimmed.substring(0, colon);
        String portText = trimmed.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "': write IPv6 addresses in brackets, as [::1]:7460");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + portText + "' is not a port number", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (1..65535)");
        }
        return new InetSocketAddress(host(host, resolveNames), port);
    }

    /** Parses a bare host (an IP literal, or a name when {@code resolveNames}). */
    public static InetAddress host(String host, boolean resolveNames) {
        boolean literal = IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
        if (!literal && !resolveNames) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
        if (!literal && !HOSTNAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a valid host name or IP address");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    literal ? "'" + host + "' is not a valid IP address" : "cannot resolve host '" + host + "'", e);
        }
    }
}
