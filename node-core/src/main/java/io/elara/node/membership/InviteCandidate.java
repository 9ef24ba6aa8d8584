package io.elara.node.membership;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One entry of an invite's candidate list: a type byte and a body of at most {@link #BODY_LENGTH_MAX} bytes. Types 1
 * (IPv4) and 2 (IPv6) are reachable UDP addresses, the address in network order then the port (16 bits, big-endian).
 * Every other type except 0 is kept as it came, so a token carrying a kind of candidate a later version adds (ICE
 * candidates) still parses, verifies and re-encodes to the same bytes here. Immutable.
 */
public final class InviteCandidate {
    /** An IPv4 address and port: 4 + 2 bytes. */
    public static final int TYPE_IPV4 = 1;
    /** An IPv6 address and port: 16 + 2 bytes. */
    public static final int TYPE_IPV6 = 2;
    /** Longest body of any candidate, in bytes (its length travels in one byte). */
    public static final int BODY_LENGTH_MAX = 255;

    static final int IPV4_BODY_LENGTH = 6;
    static final int IPV6_BODY_LENGTH = 18;

    private final int type;
    private final byte[] body;

    private InviteCandidate(int type, byte[] body) {
        this.type = type;
        this.body = body;
    }

    /**
     * The candidate for a resolved UDP address with a port other than 0.
     *
     * @throws IllegalArgumentException when the address is unresolved or the port is 0
     */
    public static InviteCandidate of(InetSocketAddress address) {
        if (address.isUnresolved() || address.getPort() == 0) {
            throw new IllegalArgumentException("an invite names resolved addresses with a port, not " + address);
        }
        InetAddress host = address.getAddress();
        byte[] raw = host.getAddress();
        byte[] body = Arrays.copyOf(raw, raw.length + 2);
        body[raw.length] = (byte) (address.getPort() >>> 8);
        body[raw.length + 1] = (byte) address.getPort();
        return new InviteCandidate(host instanceof Inet4Address ? TYPE_IPV4 : TYPE_IPV6, body);
    }

    /**
     * The candidate read from a token, or empty when its body does not fit its type: a type 0, an address body of the
     * wrong length or with port 0, or an IPv6 body holding an IPv4-mapped address (which has an IPv4 entry of its
     * own, and the encoding is canonical).
     */
    static Optional<InviteCandidate> read(int type, byte[] body) {
        if (type == 0 || body.length > BODY_LENGTH_MAX) {
            return Optional.empty();
        }
        InviteCandidate candidate = new InviteCandidate(type, body);
        if (type == TYPE_IPV4 || type == TYPE_IPV6) {
            int expected = type == TYPE_IPV4 ? IPV4_BODY_LENGTH : IPV6_BODY_LENGTH;
            if (body.length != expected) {
                return Optional.empty();
            }
            Optional<InetSocketAddress> address = candidate.address();
            if (address.isEmpty()
                    || address.get().getPort() == 0
                    || (type == TYPE_IPV6 && !(address.get().getAddress() instanceof Inet6Address))) {
                return Optional.empty();
            }
        }
        return Optional.of(candidate);
    }

    public int type() {
        return type;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    void copyBodyTo(byte[] target, int offset) {
        System.arraycopy(body, 0, target, offset, body.length);
    }

    /** The UDP address of an IPv4 or IPv6 candidate; empty for any other type. */
    public Optional<InetSocketAddress> address() {
        if (type != TYPE_IPV4 && type != TYPE_IPV6) {
            return Optional.empty();
        }
        int hostLength = body.length - 2;
        int port = ((body[hostLength] & 0xFF) << 8) | (body[hostLength + 1] & 0xFF);
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOf(body, hostLength)), port));
        } catch (UnknownHostException e) {
            // Thrown only for an address of illegal length, which read() has ruled out.
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InviteCandidate that && type == that.type && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return address()
                .map(InetSocketAddress::toString)
                .orElseGet(() -> "candidate type " + type + " " + HexFormat.of().formatHex(body));
    }
}
