/** Loaders for the shared test vectors and traces. */
package io.elara.testing.vectors;
