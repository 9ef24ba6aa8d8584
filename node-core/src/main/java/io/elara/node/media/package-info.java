/**
 * Voice over the latency-first lane: Opus through Concentus ({@link io.elara.node.media.VoiceCodec}), the payload
 * each MEDIA frame carries ({@link io.elara.node.media.VoicePacket}), and the receiver's jitter buffer with loss
 * concealment and FEC recovery ({@link io.elara.node.media.JitterBuffer}). Sans-I/O: no threads, no clocks of its own.
 */
package io.elara.node.media;
