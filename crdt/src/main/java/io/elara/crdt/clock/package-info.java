/** Hybrid logical clocks: causality-respecting timestamps that stay close to physical time. */
package io.elara.crdt.clock;
