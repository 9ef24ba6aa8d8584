/** STUN message flyweights over Netty buffers (RFC 8489), rejecting malformed input with a reason instead of throwing. */
package io.elara.stun.codec;
