/** Wire format: first-byte demultiplexing, the packet header and frame codecs, as flyweights over Netty buffers. */
package io.elara.node.wire;
