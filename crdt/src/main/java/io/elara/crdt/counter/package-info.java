/** Counters: the positive-negative counter, one pair of grow-only totals per replica. */
package io.elara.crdt.counter;
