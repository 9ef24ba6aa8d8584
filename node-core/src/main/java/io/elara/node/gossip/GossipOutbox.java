package io.elara.node.gossip;

import io.elara.node.event.EventId;

/**
 * Where a {@link GossipNode} puts its effects: frames to send and messages to deliver locally. The driver (the
 * simulator in tests; the node's session later) implements it. Called on the node's loop thread only.
 */
public interface GossipOutbox {
    /**
     * True when the link to {@code peer} can take a frame now. The node keeps a bounded queue per neighbour and drains
     * it only while this holds, so a peer whose link reports false for long fills only its own queue: it is then sent
     * IHAVEs instead of payloads and, if it stays stuck, dropped from the active view.
     */
    boolean writable(int peer);

    /** Sends {@code frame} to {@code peer}. The array is handed over: the node does not touch it again. */
    void send(int peer, byte[] frame);

    /** Hands a message to local subscribers, exactly once per id within the node's seen window. */
    void deliver(EventId id, byte[] payload, int hops);
}
