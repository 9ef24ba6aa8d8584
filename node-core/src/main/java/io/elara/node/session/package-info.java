/** Sessions: named groups of peers, each with its chat log (the state the MERGE stage applies events to). */
package io.elara.node.session;
