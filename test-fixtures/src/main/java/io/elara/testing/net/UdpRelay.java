package io.elara.testing.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A userspace UDP relay on loopback between two endpoints, for tests that need to see, keep or inject what two real
 * nodes send each other. The left node sends to {@link #leftFacing()} in place of the right one, and the right node to
 * {@link #rightFacing()} in place of the left one; each datagram is forwarded at once and, from left to right, kept
 * ({@link #fromLeft()}) so that a test can look at it or send it again later ({@link #replayToRight}), as an on-path
 * attacker would.
 */
public final class UdpRelay implements AutoCloseable {
    private static final int DATAGRAM_MAX = 65_535;

    private final InetSocketAddress left;
    private final InetSocketAddress right;
    private final DatagramSocket leftSocket;
    /** The socket facing the right node; a new one after each {@link #rebindRight()}. */
    private volatile DatagramSocket rightSocket;

    private final List<byte[]> fromLeft = new ArrayList<>();
    private volatile Thread leftward;
    private final Thread rightward;

    private UdpRelay(InetSocketAddress left, InetSocketAddress right) throws SocketException {
        this.left = left;
        this.right = right;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.leftSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.rightSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.rightward = new Thread(() -> pump(leftSocket, true), "udp-relay-rightward");
        this.leftward = leftwardFrom(rightSocket);
        rightward.setDaemon(true);
    }

    private Thread leftwardFrom(DatagramSocket socket) {
        Thread thread = new Thread(() -> pump(socket, false), "udp-relay-leftward");
        thread.setDaemon(true);
        return thread;
    }

    /**
     * The left node's NAT rebinds: from now on what it sends reaches the right node from a new port, and what the right
     * node sends to the old one ({@link #rightFacing()} before this call) is lost, as a NAT that dropped the mapping
     * loses it. Returns the new address the right node sees.
     */
    public InetSocketAddress rebindRight() {
        DatagramSocket old = rightSocket;
        try {
            DatagramSocket fresh = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread thread = leftwardFrom(fresh);
            rightSocket = fresh;
            leftward = thread;
            thread.start();
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot open the relay's new socket", e);
        }
        old.close();
        return rightFacing();
    }

    /** A running relay between the node at {@code left} and the node at {@code right}. */
    public static UdpRelay between(InetSocketAddress left, InetSocketAddress right) {
        try {
            UdpRelay relay = new UdpRelay(left, right);
            relay.rightward.start();
            relay.leftward.start();
            return relay;
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot open the relay's sockets", e);
        }
    }

    /** Where the left node sends what is meant for the right one. */
    public InetSocketAddress leftFacing() {
        return (InetSocketAddress) leftSocket.getLocalSocketAddress();
    }

    /** Where the right node sends what is meant for the left one; also where the left node's datagrams come from. */
    public InetSocketAddress rightFacing() {
        return (InetSocketAddress) rightSocket.getLocalSocketAddress();
    }

    /** Copies of every datagram forwarded from left to right so far, in order. */
    public List<byte[]> fromLeft() {
        synchronized (fromLeft) {
            List<byte[]> copies = new ArrayList<>(fromLeft.size());
            for (byte[] datagram : fromLeft) {
                copies.add(datagram.clone());
            }
            return copies;
        }
    }

    /** Sends {@code datagram} to the right node as if the left node had sent it again. */
    public void replayToRight(byte[] datagram) {
        try {
            rightSocket.send(new DatagramPacket(datagram, datagram.length, right));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay a datagram to " + right, e);
        }
    }

    /** Forwards what {@code in} receives: rightward ({@code keep}) to the right node, else to the left one. */
    private void pump(DatagramSocket in, boolean keep) {
        byte[] buffer = new byte[DATAGRAM_MAX];
        while (!in.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                in.receive(packet);
                byte[] datagram = Arrays.copyOfRange(buffer, 0, packet.getLength());
                if (keep) {
                    synchronized (fromLeft) {
                        fromLeft.add(datagram);
                    }
                }
                DatagramSocket out = keep ? rightSocket : leftSocket;
                out.send(new DatagramPacket(datagram, datagram.length, keep ? right : left));
            } catch (IOException e) {
                if (in.isClosed()) {
                    return; // closed by close() or left behind by rebindRight(): this direction's pump stops
                }
                // A refused send (the node is not up yet) loses this datagram only, as a real network would.
            }
        }
    }

    @Override
    public void close() {
        leftSocket.close();
        rightSocket.close();
        try {
            rightward.join(5_000);
            leftward.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
