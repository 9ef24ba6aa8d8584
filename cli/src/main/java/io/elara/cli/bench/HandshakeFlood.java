package io.elara.cli.bench;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.secure.SecureEndpoint;
import io.elara.node.secure.SecureOutbox;
import io.elara.node.secure.SecureReject;
import io.elara.node.secure.SecureSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A flood of handshake initiations at a node, for {@code elara bench latency --flood}: what an attacker who knows the
 * node's static key (it is public: {@code elara key export-public}) can send to make it work, from many source
 * addresses. Each message is a genuine Noise message 1 with a valid MAC1, made by a throwaway identity that never
 * completes a handshake; a pool of them goes round, so a node sees repeats as well as new ones, as from a replaying
 * attacker.
 *
 * <p>The sources are addresses of the loopback network other than 127.0.0.1 (127.88.x.y), each a socket of its own, so
 * the node sees many peers it does not know; nothing leaves the machine. One thread sends on an absolute schedule (a
 * batch each millisecond), another counts what the node answers: cookie replies (type 0xE4) once it is under load,
 * handshake responses (0xE2) before. The node's answers to a spoofing attacker would go to addresses it does not hold;
 * here they come back, which costs the node the same and lets the bench see which mode the node is in.
 */
public final class HandshakeFlood implements AutoCloseable {
    /** Distinct initiations made up front and sent in turn. */
    static final int POOL = 2_000;

    private static final byte TYPE_RESPONSE = (byte) 0xE2;
    private static final byte TYPE_COOKIE_REPLY = (byte) 0xE4;

    private final List<DatagramChannel> sources = new ArrayList<>();
    private final List<byte[]> pool;
    private final long perSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong cookieReplies = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final Selector selector;
    private final Thread sender;
    private final Thread reader;
    private volatile long startNs;
    private volatile long stopNs;

    private HandshakeFlood(List<byte[]> pool, long perSecond) throws IOException {
        this.pool = pool;
        this.perSecond = perSecond;
        this.selector = Selector.open();
        this.sender = new Thread(this::send, "elara-bench-flood");
        this.reader = new Thread(this::read, "elara-bench-flood-answers");
        sender.setDaemon(true);
        reader.setDaemon(true);
    }

    /**
     * Starts sending {@code perSecond} initiations a second to the node at {@code target} whose identity (public part)
     * is {@code targetId} and {@code targetStaticKey}, from {@code sourceCount} loopback addresses.
     */
    public static HandshakeFlood start(
            InetSocketAddress target, NodeId targetId, byte[] targetStaticKey, long perSecond, int sourceCount)
            throws IOException {
        if (perSecond < 1 || sourceCount < 1 || sourceCount > 60_000) {
            throw new IllegalArgumentException("flood of " + perSecond + "/s from " + sourceCount + " sources");
        }
        HandshakeFlood flood = new HandshakeFlood(initiations(target, targetId, targetStaticKey), perSecond);
        try {
            for (int i = 0; i < sourceCount; i++) {
                byte[] address = {127, 88, (byte) (1 + i / 250), (byte) (1 + i % 250)};
                DatagramChannel channel = DatagramChannel.open();
                flood.sources.add(channel);
                channel.bind(new InetSocketAddress(InetAddress.getByAddress(address), 0));
                channel.connect(target);
                channel.configureBlocking(false);
                channel.register(flood.selector, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            flood.close();
            throw e;
        }
        flood.startNs = System.nanoTime();
        flood.sender.start();
        flood.reader.start();
        return flood;
    }

    private static List<byte[]> initiations(InetSocketAddress target, NodeId targetId, byte[] targetStaticKey) {
        List<byte[]> messages = new ArrayList<>(POOL);
        SecureOutbox capture = new SecureOutbox() {
            @Override
            public void send(byte[] datagram, InetSocketAddress recipient) {
                messages.add(datagram);
            }

            @Override
            public void established(SecureSession session) {
                // The attacker never gets this far.
            }

            @Override
            public void received(SecureSession session, byte[] plaintext) {
                // Nor this.
            }

            @Override
            public void failed(int localIndex, NodeId expected, SecureReject reason) {
                // Nothing to do: the handshakes are thrown away.
            }
        };
        SecureRandom random = new SecureRandom();
        try (SecureEndpoint attacker = new SecureEndpoint(Identity.generate(random), false, random, capture)) {
            ExpectedPeer victim = ExpectedPeer.of(targetId, targetStaticKey);
            for (int i = 0; i < POOL; i++) {
                attacker.initiate(victim, target, 0);
            }
        }
        return messages;
    }

    private void send() {
        ByteBuffer[] buffers = new ByteBuffer[pool.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.wrap(pool.get(i));
        }
        long due = 0;
        int message = 0;
        int source = 0;
        long periodNs = TimeUnit.MILLISECONDS.toNanos(1);
        long tick = 0;
        while (running.get()) {
            long target = perSecond * (tick + 1) / 1_000; // what should have gone by the end of this millisecond
            for (; due < target; due++) {
                ByteBuffer buffer = buffers[message];
                buffer.rewind();
                try {
                    if (sources.get(source).write(buffer) > 0) {
                        sent.incrementAndGet();
                    } else {
                        sendFailures.incrementAndGet();
                    }
                } catch (IOException e) {
                    sendFailures.incrementAndGet();
                }
                message = message + 1 == buffers.length ? 0 : message + 1;
                source = source + 1 == sources.size() ? 0 : source + 1;
            }
            tick++;
            long wakeNs = startNs + tick * periodNs;
            long waitNs = wakeNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
            } else if (waitNs < -100 * periodNs) {
                // Far behind (the machine is busy): skip ahead instead of sending a burst of the backlog.
                tick = (System.nanoTime() - startNs) / periodNs;
                due = perSecond * tick / 1_000;
            }
        }
        stopNs = System.nanoTime();
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(2_048);
        try {
            while (running.get()) {
                if (selector.select(100) == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    while (true) {
                        buffer.clear();
                        int read;
                        try {
                            read = channel.read(buffer);
                        } catch (IOException e) {
                            break; // e.g. port unreachable reported on a connected socket: nothing to count
                        }
                        if (read <= 0) {
                            break;
                        }
                        byte type = buffer.get(0);
                        if (type == TYPE_COOKIE_REPLY) {
                            cookieReplies.incrementAndGet();
                        } else if (type == TYPE_RESPONSE) {
                            responses.incrementAndGet();
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.nio.channels.ClosedSelectorException e) {
            // Closed by close(): the flood is over.
        }
    }

    /** Initiations sent so far. */
    public long sent() {
        return sent.get();
    }

    /** Initiations the socket would not take (its buffer full). */
    public long sendFailures() {
        return sendFailures.get();
    }

    /** Cookie replies the node sent back: initiations it answered without Diffie-Hellman work, under load. */
    public long cookieReplies() {
        return cookieReplies.get();
    }

    /** Handshake responses the node sent back: initiations it did Diffie-Hellman work for. */
    public long responses() {
        return responses.get();
    }

    /** Initiations sent per second, from the start to now or to the stop. */
    public double achievedPerSecond() {
        long end = stopNs != 0 ? stopNs : System.nanoTime();
        return sent.get() / Math.max(1e-9, (end - startNs) / 1e9);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            sender.join(1_000);
            reader.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        for (DatagramChannel channel : sources) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure; // close the others all the same
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw new UncheckedIOException("cannot close the flood's sockets", failure);
        }
    }
}
