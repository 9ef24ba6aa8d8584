/** Anti-entropy: digests of what a replica has seen, what the other side lacks, and the deltas that supply it. */
package io.elara.crdt.sync;
