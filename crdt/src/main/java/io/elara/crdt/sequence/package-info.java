/** Sequence CRDTs: the append-mostly chat log and the collaborative text. */
package io.elara.crdt.sequence;
