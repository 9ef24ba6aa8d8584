/** Delivery lanes; for now the reliable lane: ordered, acknowledged, retransmitted per peer. */
package io.elara.node.lane;
