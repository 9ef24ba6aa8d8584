/** The secure channel between two nodes: Noise XX handshakes with MAC1/MAC2 and cookies, then AEAD transport, sans-I/O. */
package io.elara.node.secure;
