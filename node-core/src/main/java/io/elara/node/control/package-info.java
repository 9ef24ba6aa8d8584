/** The local control socket: a Unix domain socket in the data directory through which {@code elara send}, {@code tail} and {@code status} reach a running node. */
package io.elara.node.control;
