/**
 * Signed events, signed in batches: an author signs the Merkle root (RFC 9162 tree hashing) of a batch of events once,
 * and each event carries the signature and its audit path, so a relay can forward any single event with a proof that
 * the author wrote it, and a receiver of a whole batch pays for one Ed25519 verification, not one per event.
 */
package io.elara.crypto.sign;
