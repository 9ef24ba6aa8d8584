/** {@code elara demo}: three nodes on loopback, two of them bots, one of them you. */
package io.elara.cli.demo;
