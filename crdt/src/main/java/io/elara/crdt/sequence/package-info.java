/** Sequence CRDTs: the append-mostly chat log and the collaborative text (FugueMax order, run-length encoded). */
package io.elara.crdt.sequence;
