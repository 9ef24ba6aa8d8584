/** Sequence CRDTs: the collaborative text document (FugueMax ordering, run-length encoded) and the chat log. */
package io.elara.crdt.sequence;
