/** JMH benchmarks of the text CRDT on the shared editing traces. */
package io.elara.crdt.sequence.bench;
