/** Configuration-driven flows over channels: for now, the filter predicate language. */
package io.elara.node.channel.flow;
