/**
 * Propagation for larger sessions: a sans-I/O broadcast over a bounded partial view (eager push on a spanning tree plus
 * a small random eager fanout, lazy IHAVE repair with GRAFT/PRUNE, anti-entropy of message ids, per-peer backpressure).
 */
package io.elara.node.gossip;
