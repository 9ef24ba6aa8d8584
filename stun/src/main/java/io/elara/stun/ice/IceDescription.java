package io.elara.stun.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one side of an ICE exchange tells the other (RFC 8445 section 5.3): its username fragment and password for the
 * connectivity checks, and its candidates. Written as one line, {@code UFRAG PWD CANDIDATE...}, that {@link #parse}
 * reads back without ever throwing.
 */
public record IceDescription(String ufrag, String password, List<IceCandidate> candidates) {
    /** Most candidates one description carries; more are refused. */
    public static final int CANDIDATES_MAX = 16;

    private static final Pattern ICE_CHARS = Pattern.compile("[A-Za-z0-9+/]*");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]");

    public IceDescription {
        if (!iceChars(ufrag, 4, 32)) {
            throw new IllegalArgumentException("a username fragment is 4 to 32 of A-Z a-z 0-9 + /");
        }
        if (!iceChars(password, 22, 256)) {
            throw new IllegalArgumentException("a password is 22 to 256 of A-Z a-z 0-9 + /");
        }
        if (candidates.isEmpty() || candidates.size() > CANDIDATES_MAX) {
            throw new IllegalArgumentException("a description has 1 to " + CANDIDATES_MAX + " candidates");
        }
        candidates = List.copyOf(candidates);
    }

    /** The result of {@link #parse}: a description, or why the text is none. */
    public record Parsed(IceDescription description, String problem) {
        public boolean accepted() {
            return description != null;
        }
    }

    /** The one-line text {@link #parse} reads. */
    public String text() {
        StringBuilder out = new StringBuilder(ufrag).append(' ').append(password);
        for (IceCandidate candidate : candidates) {
            out.append(' ').append(candidate.text());
        }
        return out.toString();
    }

    /** Reads a description's text; never throws. Addresses must be IP literals: nothing is looked up. */
    public static Parsed parse(String text) {
        try {
            String[] fields = text.split(" ", -1);
            if (fields.length < 3) {
                return new Parsed(null, "a description is a username fragment, a password and candidates");
            }
            if (fields.length - 2 > CANDIDATES_MAX) {
                return new Parsed(null, "more than " + CANDIDATES_MAX + " candidates");
            }
            List<IceCandidate> candidates = new ArrayList<>();
            for (int i = 2; i < fields.length; i++) {
                candidates.add(candidate(fields[i]));
            }
            return new Parsed(new IceDescription(fields[0], fields[1], candidates), null);
        } catch (IllegalArgumentException e) {
            return new Parsed(null, e.getMessage());
        }
    }

    private static IceCandidate candidate(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("a candidate is TYPE,FOUNDATION,PRIORITY,ADDRESS:PORT");
        }
        IceCandidate.Type type = IceCandidate.Type.of(parts[0]);
        if (type == null) {
            throw new IllegalArgumentException("a candidate type is host, srflx, prflx or relay");
        }
        if (!parts[2].matches("[0-9]{1,10}")) {
            throw new IllegalArgumentException("a priority is 1 to 10 digits");
        }
        return new IceCandidate(type, parts[1], Long.parseLong(parts[2]), address(parts[3]));
    }

    private static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0 || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("a candidate address ends in :PORT");
        }
        int port = Integer.parseInt(text.substring(colon + 1));
        String host = text.substring(0, colon);
        boolean v4 = IPV4.matcher(host).matches();
        if (!v4 && !IPV6.matcher(host).matches()) {
            throw new IllegalArgumentException("a candidate address is an IPv4 or a bracketed IPv6 literal");
        }
        if (v4) {
            for (String octet : host.split("\\.", -1)) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("an IPv4 address has octets 0 to 255");
                }
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is 1 to 65535");
        }
        try {
            // A literal (checked above) is parsed, never looked up.
            return new InetSocketAddress(InetAddress.getByName(v4 ? host : host.substring(1, host.length() - 1)), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a candidate address does not parse", e);
        }
    }

    static boolean iceChars(String text, int min, int max) {
        return text != null
                && text.length() >= min
                && text.length() <= max
                && ICE_CHARS.matcher(text).matches();
    }
}
