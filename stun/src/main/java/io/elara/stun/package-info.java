/** STUN for Elara: the message codec (RFC 8489, checked against RFC 5769), the responder and client, NAT probing. */
package io.elara.stun;
