package io.elara.node.membership;

/**
 * Why an invite token was refused, by {@link InviteToken#parse}, {@link InviteToken#decode} or
 * {@link InviteToken#verify}. Each value carries a metric label and a line a user reads when {@code elara join} refuses
 * the token they pasted.
 */
public enum InviteReject {
    /** Not a rejection: the token was accepted. */
    NONE("none", "the invite is valid"),
    INVITE_PREFIX("invite_prefix", "this is not an Elara invite: it does not start with elara-invite1:"),
    INVITE_TOO_LONG("invite_too_long", "this is longer than any Elara invite; it may be two invites pasted together"),
    INVITE_ENCODING(
            "invite_encoding", "the invite has characters that do not belong in it; it was cut or altered in copying"),
    INVITE_MALFORMED("invite_malformed", "the invite is damaged: its parts do not fit together"),
    INVITE_VERSION("invite_version", "the invite was made by a newer version of Elara; update Elara to use it"),
    INVITE_SIGNATURE(
            "invite_signature", "the invite's signature does not match the node it names: it was altered or forged"),
    INVITE_EXPIRED("invite_expired", "the invite has expired; ask for a new one");

    private final String label;
    private final String description;

    InviteReject(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Metric label, snake case. */
    public String label() {
        return label;
    }

    /** One line for humans. */
    public String description() {
        return description;
    }
}
