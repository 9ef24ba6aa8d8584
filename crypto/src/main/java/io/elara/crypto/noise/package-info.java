/** The Noise Protocol Framework handshake (pattern XX, revision 34) as a sans-I/O state machine, and its cipher states. */
package io.elara.crypto.noise;
