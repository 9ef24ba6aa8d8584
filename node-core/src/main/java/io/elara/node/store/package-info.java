/** What a node keeps on disk: its data directory layout, identity, and the lock that gives one node one directory. */
package io.elara.node.store;
