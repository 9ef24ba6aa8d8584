/** The Elara node: the lifecycle facade {@link io.elara.node.Node}, the sans-I/O {@link io.elara.node.NodeCore}, and the cross-thread {@link io.elara.node.NodeProxy}. */
package io.elara.node;
