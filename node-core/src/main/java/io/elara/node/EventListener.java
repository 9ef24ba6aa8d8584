package io.elara.node;

/**
 * Receives the events a node delivers locally: those it received, and those it sent itself. Called on the node's loop
 * thread, in delivery order; it must return quickly and never block (hand work to another thread through a queue).
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(DeliveredEvent event);
}
