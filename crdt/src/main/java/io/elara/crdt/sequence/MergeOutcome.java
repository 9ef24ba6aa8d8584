package io.elara.crdt.sequence;

/**
 * What a merge did: characters newly integrated and newly deleted, and how many inserted and deleted characters stay
 * buffered because their causal dependencies (an origin, or the same replica's earlier characters) are not here yet.
 */
public record MergeOutcome(long integratedItems, long deletedItems, long pendingItems) {}
