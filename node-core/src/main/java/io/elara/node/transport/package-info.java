/** The realtime driver: a Netty UDP channel (epoll when available) on one event-loop thread that owns the node core. */
package io.elara.node.transport;
