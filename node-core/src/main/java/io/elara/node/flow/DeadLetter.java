package io.elara.node.flow;

import io.elara.node.channel.Message;

/**
 * A message a flow could not deliver.
 *
 * @param flow the flow's name
 * @param step where it failed, e.g. {@code steps[2] exec}
 * @param reason why, in one line
 * @param message the message as it reached the step
 * @param atNs when, in the flow clock's nanoseconds
 */
public record DeadLetter(String flow, String step, String reason, Message<FlowEvent> message, long atNs) {}
