/**
 * What a node keeps on disk: its data directory layout, identity, the lock that gives one node one directory, and the
 * SQLite store of events, snapshots, peers and the mailbox.
 */
package io.elara.node.store;
