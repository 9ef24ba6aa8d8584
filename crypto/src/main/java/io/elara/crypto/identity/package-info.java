/** Node identities: the Ed25519 signing key, the {@link io.elara.crypto.identity.NodeId} derived from it, and key files. */
package io.elara.crypto.identity;
