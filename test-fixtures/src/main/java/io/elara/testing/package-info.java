/** JUnit helpers shared by every Elara module's tests: clocks, awaiting conditions, ports and real node processes. */
package io.elara.testing;
