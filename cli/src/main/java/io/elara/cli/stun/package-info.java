/** {@code elara stun}: a blocking STUN and TURN client for one-shot reports of what the network does to UDP. */
package io.elara.cli.stun;
