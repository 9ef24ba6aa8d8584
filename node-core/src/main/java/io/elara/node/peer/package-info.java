/** Peers: the nodes this node exchanges datagrams with, each with its reliable lane state. */
package io.elara.node.peer;
