/** Elara's cryptography: identities and (from the crypto issue on) the Noise handshake and packet protection. */
package io.elara.crypto;
