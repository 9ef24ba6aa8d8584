/** Session membership: signed invite tokens, signed membership operations and the membership state they build. */
package io.elara.node.membership;
