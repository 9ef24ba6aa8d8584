package io.elara.node.control;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/** Newline-delimited UTF-8 lines over a socket channel, with a bound on line length. */
final class LineChannel implements AutoCloseable {
    private final SocketChannel channel;
    private final int lineBytesMax;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
    private byte[] line = new byte[256];
    private int lineLength;

    LineChannel(SocketChannel channel, int lineBytesMax) {
        this.channel = channel;
        this.lineBytesMax = lineBytesMax;
        readBuffer.flip();
    }

    SocketChannel channel() {
        return channel;
    }

    /** The next line without its newline; null at end of stream. Blocking channels only. */
    String readLine() throws IOException {
        lineLength = 0;
        while (true) {
            while (readBuffer.hasRemaining()) {
                byte b = readBuffer.get();
                if (b == '\n') {
                    return new String(line, 0, lineLength, StandardCharsets.UTF_8);
                }
                if (lineLength == lineBytesMax) {
                    throw new LineTooLongException("line longer than " + lineBytesMax + " bytes");
                }
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, Math.min(lineBytesMax, line.length * 2));
                }
                line[lineLength++] = b;
            }
            readBuffer.clear();
            int read = channel.read(readBuffer);
            readBuffer.flip();
            if (read < 0) {
                if (lineLength == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
        }
    }

    /** A line over the bound: the rest of it is not read. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(String message) {
            super(message);
        }
    }

    /** Writes {@code text} and a newline, completely, in blocking or non-blocking mode. */
    void writeLine(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                // Non-blocking and the peer's buffer is full: wait a little instead of spinning.
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    /** In non-blocking mode: true when the other side has closed the connection. */
    boolean peerClosed() throws IOException {
        readBuffer.clear();
        int read = channel.read(readBuffer);
        readBuffer.flip();
        readBuffer.position(readBuffer.limit());
        return read < 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
