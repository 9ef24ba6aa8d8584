/**
 * Delivery lanes per peer: the reliable lane (ordered, acknowledged, retransmitted) and the latency-first lane (media,
 * sent once, newest wins), sharing one congestion window.
 */
package io.elara.node.lane;
