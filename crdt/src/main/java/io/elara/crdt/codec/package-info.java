/** Versioned, checksummed binary encoding of every CRDT's deltas and snapshots, with checked typed rejections. */
package io.elara.crdt.codec;
