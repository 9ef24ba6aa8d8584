/** Channels that move typed {@link io.elara.node.channel.Message}s within a thread or between threads. */
package io.elara.node.channel;
