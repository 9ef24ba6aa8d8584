/**
 * ICE for Elara: the description two nodes exchange to check paths to each other ({@link
 * io.elara.stun.ice.IceDescription}: credentials and candidates, one line of text that never throws on parse), and in
 * {@code driver} the ice4j agent that runs the checks.
 */
package io.elara.stun.ice;
