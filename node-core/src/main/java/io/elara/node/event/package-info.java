/** Events as values, their ids, and the counted reasons for rejecting input. */
package io.elara.node.event;
