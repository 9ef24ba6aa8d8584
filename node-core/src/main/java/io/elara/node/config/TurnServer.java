package io.elara.node.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A TURN server this node takes a relayed address on ({@code stun.turn}), with its long-term credential.
 *
 * @param server where it listens (UDP)
 * @param user the credential's user name
 * @param password the credential's password, read from the config's {@code password-file}
 */
public record TurnServer(InetSocketAddress server, String user, String password) {
    public TurnServer {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "TurnServer[" + server + ", user " + user + "]"; // never the password
    }
}
