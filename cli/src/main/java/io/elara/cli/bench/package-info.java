/**
 * {@code elara bench throughput} and {@code elara bench latency}: two real nodes on loopback, one of them a child
 * process, the reliable lane between them measured end to end.
 */
package io.elara.cli.bench;
