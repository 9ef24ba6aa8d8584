/** STUN for Elara: the message codec now; the server, NAT probing, ICE and TURN with the NAT traversal issue. */
package io.elara.stun;
