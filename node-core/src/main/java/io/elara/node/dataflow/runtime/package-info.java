/** The loops that own a thread and the system clock and drive a dataflow executor by spinning or parking. */
package io.elara.node.dataflow.runtime;
