package io.elara.node;

import io.elara.node.lane.TrafficClass;
import io.netty.buffer.ByteBuf;

/**
 * Receives media frames delivered by the latency-first lane ({@link NodeCore#subscribeMedia}): per peer and stream,
 * each frame at most once, as it arrives: mostly in increasing sequence order, with gaps where frames were dropped or
 * lost, and a frame the path reordered after the newer ones that overtook it (at most 63 of them). Called on the
 * loop thread; must not block.
 */
@FunctionalInterface
public interface MediaListener {
    /**
     * A frame of stream {@code streamId} from the peer labelled {@code peer}. The payload is the {@code payloadLength}
     * bytes of {@code buffer} from {@code payloadOffset}; the buffer belongs to the core and is valid only during the
     * call, so copy what you keep and never release it.
     */
    void onMedia(
            String peer,
            int streamId,
            int sequence,
            TrafficClass cls,
            ByteBuf buffer,
            int payloadOffset,
            int payloadLength);
}
