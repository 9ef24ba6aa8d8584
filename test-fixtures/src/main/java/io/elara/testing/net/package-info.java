/** Network helpers for tests that run real sockets on loopback. */
package io.elara.testing.net;
