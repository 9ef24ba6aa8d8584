/**
 * Flows: what a headless node does with the events it delivers, described in its YAML config (the {@code flows:}
 * key). A flow is a chain of steps — filter, transform, split, aggregate, route, and adapters to the outside (stdout,
 * a JSONL file, a command, an HTTP webhook, a pipeline, a reply into a session) — compiled to nodes of a dataflow
 * executor ({@link io.elara.node.flow.FlowEngine}). Steps that block run on worker threads the driver supplies
 * ({@link io.elara.node.flow.FlowIo}); what fails goes to a dead-letter store with the reason. The thread-owning
 * driver is {@code io.elara.node.flow.runtime}; everything here is sans-I/O.
 */
package io.elara.node.flow;
