/** A single-threaded cooperative dataflow executor: nodes run in dependency order when their parents broadcast. */
package io.elara.node.dataflow;
