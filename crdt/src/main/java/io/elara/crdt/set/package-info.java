/** Sets: the add-wins observed-remove set, dot-based, whose removes leave no tombstones. */
package io.elara.crdt.set;
