/** Transport packet protection: ChaCha20-Poly1305 keys with counter nonces, the anti-replay window, and X25519. */
package io.elara.crypto.aead;
