/**
 * Media over the latency-first lane. Voice: Opus through Concentus ({@link io.elara.node.media.VoiceCodec}), the
 * payload each MEDIA frame carries ({@link io.elara.node.media.VoicePacket}), and the receiver's jitter buffer with loss
 * concealment and FEC recovery ({@link io.elara.node.media.JitterBuffer}). Pictures: tiles deflated into payloads each
 * drawable on its own ({@link io.elara.node.media.VisualPacket}, {@link io.elara.node.media.VisualEncoder}, {@link
 * io.elara.node.media.VisualDecoder}). The degradation ladder a link's measures drive ({@link
 * io.elara.node.media.DegradationLadder}). Sans-I/O: no threads, no clocks of its own.
 */
package io.elara.node.media;
