package io.elara.node.transport;

import io.elara.node.time.Clock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds datagrams to the driver. Reads the clock once per read batch, releases every datagram in a {@code finally},
 * and flushes once per batch in {@link #channelReadComplete}. A failed read or write is counted and the channel stays
 * open: one bad packet never closes the socket.
 */
final class DatagramHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramHandler.class);

    private final UdpDriver driver;
    private final Clock clock;
    private final AtomicLong channelErrors = new AtomicLong();
    private long batchNowNs = Long.MIN_VALUE;

    DatagramHandler(UdpDriver driver, Clock clock) {
        this.driver = driver;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        try {
            if (message instanceof DatagramPacket packet) {
                if (batchNowNs == Long.MIN_VALUE) {
                    batchNowNs = clock.nowNs();
                }
                driver.onDatagram(packet, batchNowNs);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        long nowNs = batchNowNs == Long.MIN_VALUE ? clock.nowNs() : batchNowNs;
        batchNowNs = Long.MIN_VALUE;
        driver.afterBatch(nowNs);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        channelErrors.incrementAndGet();
        if (cause instanceof Error error) {
            throw error;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("UDP channel error (counted; the channel stays open)", cause);
        }
    }
}
