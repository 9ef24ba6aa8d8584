/** Time as the node sees it: the {@link io.elara.node.time.Clock} a driver reads once per cycle. */
package io.elara.node.time;
