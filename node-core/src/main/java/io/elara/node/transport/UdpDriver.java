package io.elara.node.transport;

import io.elara.node.NodeCore;
import io.elara.node.NodeProxy;
import io.elara.node.Outbox;
import io.elara.node.time.Clock;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link NodeCore} from a real UDP socket: one Netty channel (epoll when the native transport loads, NIO
 * otherwise) on one event-loop thread, which is the only thread that touches the core. It reads the clock once per read
 * batch, flushes writes once per batch, arms one timer for the core's next deadline, and runs commands from the {@link
 * NodeProxy} between batches.
 */
public final class UdpDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpDriver.class);
    /** Receive buffer per datagram: larger than any Elara datagram, so oversized input is seen whole and rejected. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;

    private final Clock clock;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** A flush after completions is queued on the loop (loop thread only). */
    private boolean completionFlushPending;

    private final boolean epoll;
    private final AtomicLong loopErrors = new AtomicLong();
    private final Outbox outbox = new ChannelOutbox();
    private Channel channel;
    private NodeCore core;
    private NodeProxy proxy;
    private ScheduledFuture<?> timer;
    private long timerDeadlineNs = Long.MAX_VALUE;
    private final Runnable onTimer = this::onTimer;
    private final Runnable drainCommands = this::drainCommands;

    /** Starts the event-loop thread, named after the node. Nothing is bound until {@link #bind}. */
    public UdpDriver(String nodeName, Clock clock) {
        this.clock = clock;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("elara-" + nodeName), handlers);
        this.loop = group.next();
    }

    /** The outbox to give the core: datagrams go to this driver's channel. */
    public Outbox outbox() {
        return outbox;
    }

    /** Schedules a drain of {@code proxy}'s commands on the loop; for {@link NodeProxy}'s wake-up hook. */
    public void wakeUp() {
        loop.execute(drainCommands);
    }

    /** True when the native epoll transport is in use. */
    public boolean epoll() {
        return epoll;
    }

    /** Unexpected exceptions caught at the loop boundary (each one is a bug, logged once). */
    public long loopErrors() {
        return loopErrors.get();
    }

    /**
     * Binds the UDP socket and starts delivering datagrams to {@code core}.
     *
     * @return the bound address (with the real port when 0 was asked for)
     * @throws IOException with a one-line message when the address cannot be bound
     */
    public InetSocketAddress bind(InetSocketAddress address, NodeCore nodeCore, NodeProxy nodeProxy)
            throws IOException {
        this.core = nodeCore;
        this.proxy = nodeProxy;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(new DatagramHandler(this, clock));
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String reason = cause instanceof BindException
                            || String.valueOf(cause.getMessage()).contains("in use")
                    ? "address already in use"
                    : String.valueOf(cause.getMessage());
            throw new IOException(
                    "cannot bind UDP " + address.getAddress().getHostAddress() + ":" + address.getPort() + ": "
                            + reason,
                    cause);
        }
        channel = bound.channel();
        return ((DatagramChannel) channel).localAddress();
    }

    /** Runs one datagram through the core; called by the handler on the loop thread. */
    void onDatagram(DatagramPacket packet, long nowNs) {
        try {
            core.onDatagram(packet.content(), packet.sender(), nowNs);
        } catch (RuntimeException e) {
            loopError("a datagram", e);
        }
    }

    /** After a batch of input: send what is due, flush the channel once, re-arm the timer. Loop thread. */
    void afterBatch(long nowNs) {
        try {
            core.flush(nowNs);
        } catch (RuntimeException e) {
            loopError("flush", e);
        }
        channel.flush();
        rearm(nowNs);
    }

    private void drainCommands() {
        long nowNs = clock.nowNs();
        try {
            proxy.drain(core, nowNs, NodeProxy.DRAIN_COMMANDS_MAX);
        } catch (RuntimeException e) {
            loopError("a command", e);
        }
        afterBatch(nowNs);
    }

    private void onTimer() {
        timer = null;
        timerDeadlineNs = Long.MAX_VALUE;
        afterBatch(clock.nowNs());
    }

    private void rearm(long nowNs) {
        long deadlineNs = core.nextDeadlineNs(nowNs);
        if (deadlineNs == timerDeadlineNs) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timerDeadlineNs = deadlineNs;
        if (deadlineNs != Long.MAX_VALUE) {
            timer = loop.schedule(onTimer, Math.max(0, deadlineNs - nowNs), TimeUnit.NANOSECONDS);
        }
    }

    private void loopError(String what, RuntimeException e) {
        // The loop must outlive a bug in one step: count it, log it, and go on with the next input.
        loopErrors.incrementAndGet();
        LOG.error("unexpected error while handling {}; the node carries on", what, e);
    }

    /**
     * An executor onto the loop thread for work finished elsewhere (the database writer's commits): each task runs on
     * the loop, and once the tasks queued together have run, the core flushes as after any input, so what they changed
     * (an ACK's Stored Below, a completed send) goes out at once. Callable from any thread; never blocks.
     */
    public java.util.concurrent.Executor completions() {
        return task -> loop.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                loopError("a completion", e);
            }
            if (!completionFlushPending) {
                completionFlushPending = true;
                loop.execute(() -> {
                    completionFlushPending = false;
                    afterBatch(clock.nowNs());
                });
            }
        });
    }

    /** Runs {@code task} on the loop thread and waits for it; for lifecycle steps, never from the loop itself. */
    public void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.submit(task).syncUninterruptibly();
        }
    }

    /**
     * Fails pending sends and commands with "node stopped", closes the socket (releasing the port) and stops the
     * thread. Waits up to a few seconds.
     */
    @Override
    public void close() {
        if (channel != null && !loop.isShuttingDown()) {
            runOnLoop(() -> {
                if (timer != null) {
                    timer.cancel(false);
                }
                proxy.close("the node stopped");
                core.close("the node stopped");
                channel.flush();
            });
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class ChannelOutbox implements Outbox {
        @Override
        public ByteBuf allocate() {
            return PooledByteBufAllocator.DEFAULT.directBuffer(PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
        }

        @Override
        @SuppressWarnings("FutureReturnValueIgnored") // the void promise's failures reach exceptionCaught
        public void send(ByteBuf datagram, InetSocketAddress recipient) {
            // The void promise avoids a future per datagram; a failed write reaches exceptionCaught, where it is
            // counted.
            channel.write(new DatagramPacket(datagram, recipient), channel.voidPromise());
        }
    }
}
