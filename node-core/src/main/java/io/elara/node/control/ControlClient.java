package io.elara.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A client of the local control socket: writes one request, reads JSON lines back. Not thread-safe. */
public final class ControlClient implements AutoCloseable {
    /** No node is listening on the control socket. */
    public static final class NotRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRunningException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LineChannel line;

    private ControlClient(SocketChannel channel) {
        this.line = new LineChannel(channel, 16 * 1024 * 1024);
    }

    /** Connects to a running node; throws {@link NotRunningException} when none listens at {@code socket}. */
    public static ControlClient connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new NotRunningException("no control socket at " + socket, null);
        }
        SocketFolder.check(socket); // not another user's socket, put where the node's would be
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new ControlClient(channel);
        } catch (ConnectException e) {
            channel.close();
            throw new NotRunningException("no node listens on " + socket, e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends {@code request} as one JSON line. */
    public void send(Map<String, Object> request) throws IOException {
        line.writeLine(ControlJson.MAPPER.writeValueAsString(request));
    }

    /** The next line as JSON, or null when the node closed the connection. */
    public JsonNode next() throws IOException {
        String text = line.readLine();
        return text == null ? null : ControlJson.MAPPER.readTree(text);
    }

    @Override
    public void close() throws IOException {
        line.close();
    }
}
