/** The four stages every event passes: validate, process, merge, propagate. */
package io.elara.node.stage;
