/** Registers: last-writer-wins values and maps ordered by hybrid logical time, and dot-based multi-value registers. */
package io.elara.crdt.register;
