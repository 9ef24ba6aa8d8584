/** The deterministic simulator: many node cores, a virtual clock and a seeded simulated network in one thread. */
package io.elara.node.sim;
