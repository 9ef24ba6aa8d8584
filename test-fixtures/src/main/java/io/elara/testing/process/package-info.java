/** Real {@code elara} processes for system tests. */
package io.elara.testing.process;
