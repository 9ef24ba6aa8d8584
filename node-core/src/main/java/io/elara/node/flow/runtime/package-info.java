/**
 * The driver of a node's flows: the thread their executor runs on, the workers of the blocking steps, and the real
 * adapters — stdout, JSON-lines files, commands, HTTP webhooks, pipelines — and the dead-letter file.
 */
package io.elara.node.flow.runtime;
