/** Elara's state field: clocks and conflict-free replicated data types, as pure data structures. */
package io.elara.crdt;
