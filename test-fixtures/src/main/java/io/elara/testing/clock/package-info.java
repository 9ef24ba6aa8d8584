/** Clocks that tests control. */
package io.elara.testing.clock;
