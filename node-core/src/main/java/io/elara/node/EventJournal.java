package io.elara.node;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.SessionId;
import java.util.List;

/**
 * Where a node makes its events durable: the node's database in a running node, nothing at all in a core built for a
 * benchmark or a test of the lanes ({@link #NONE}). The durability rule rests on it: an event is committed before the
 * node acknowledges it to its sender as stored (the ACK's Stored Below) and before the node reports its own event as
 * sent. Called on the loop thread only; an implementation does its disk work elsewhere and never blocks the caller.
 */
public interface EventJournal {
    /** Told on the loop thread when a {@link #whenCommitted} point is reached. */
    @FunctionalInterface
    interface Committed {
        /**
         * @param ok whether everything appended before the point is committed; false when a write failed (the disk is
         *     full, the database broke)
         * @param nowNs the loop's clock
         */
        void committed(boolean ok, long nowNs);
    }

    /**
     * Takes {@code event}, new to this node (its own, or received from {@code receivedFrom}), for writing. Returns false
     * when it cannot take it now ({@link #failure}), in which case nothing of it is written.
     */
    boolean append(Event event, boolean local, String receivedFrom);

    /**
     * Takes this node's own {@code event} for writing, with an entry in the outbound mailbox for each of {@code
     * destinations} (peer labels) until {@link #delivered} removes it: what a restart sends again. Returns false as
     * {@link #append} does.
     */
    default boolean appendOutgoing(Event event, List<String> destinations) {
        return append(event, true, null);
    }

    /** {@code destination} reported {@code id} stored: its mailbox entry goes. */
    default void delivered(EventId id, String destination) {}

    /** One mailbox entry: this node's own event, not yet reported stored by {@code destination}. */
    record Undelivered(Event event, String destination) {}

    /**
     * Reads the mailbox (its oldest entries, up to {@code limit}) and hands them, on the loop thread, to {@code then}:
     * the node sends again what its lanes no longer hold. A journal that keeps nothing has nothing to hand.
     */
    default void undelivered(int limit, java.util.function.Consumer<List<Undelivered>> then) {}

    /**
     * Keeps the state of a created or joined session ({@code state}: its membership snapshot) as of {@code version},
     * unless a newer version is kept already: what a restart takes the session back from. Written in order with the
     * events appended before it.
     */
    default void saveSession(SessionId session, String name, long version, byte[] state) {}

    /** Keeps the name and last address of {@code node}, a member of one of this node's sessions. */
    default void savePeer(NodeId node, String name, String address) {}

    /**
     * Reads the kept events of {@code session} in {@code ranges} (author key and counters, see {@link
     * io.elara.node.store.NodeStore#numbered}), {@code limit} at most, and hands them, on the loop thread, to {@code
     * then} (not at all when the read fails). A journal that keeps nothing has none.
     */
    default void numbered(
            SessionId session,
            List<io.elara.crdt.sync.DotRange> ranges,
            int limit,
            java.util.function.Consumer<List<Event>> then) {
        then.accept(List.of());
    }

    /** Called on every pass of the node's loop: time-driven work (the journal's deferred writes) goes from here. */
    default void tick(long nowNs) {}

    /** Calls {@code then}, on the loop thread, once everything appended before this call is committed or has failed. */
    void whenCommitted(Committed then);

    /** Why the journal takes nothing now, in words for a user ("the disk is full: …"), or null while it works. */
    String failure();

    /**
     * Entries in the outbound mailbox as of the last write that touched it, or -1 when this journal keeps none (see
     * {@link NodeStatus.Counters#mailboxDepth}).
     */
    default long mailboxDepth() {
        return -1;
    }

    /** Writes handed to the database's writer and not yet back; 0 for a journal without a writer. */
    default int writesPending() {
        return 0;
    }

    /** Whether this journal writes anything: {@link #NONE} does not, so received is as good as stored. */
    default boolean durable() {
        return true;
    }

    /** Keeps nothing: every event counts as stored the moment it is received. */
    EventJournal NONE = new EventJournal() {
        @Override
        public boolean append(Event event, boolean local, String receivedFrom) {
            return true;
        }

        @Override
        public void whenCommitted(Committed then) {
            throw new IllegalStateException("nothing waits on a journal that keeps nothing");
        }

        @Override
        public String failure() {
            return null;
        }

        @Override
        public boolean durable() {
            return false;
        }
    };
}
