/**
 * {@code elara bench throughput}, {@code latency} and {@code chat}: two real nodes on loopback, as child processes, the
 * reliable lane between them (or a chat on each) measured end to end.
 */
package io.elara.cli.bench;
