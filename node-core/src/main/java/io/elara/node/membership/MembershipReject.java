package io.elara.node.membership;

/**
 * Why a membership operation was refused, or why a kept one has no effect. Each value carries a metric label and a
 * line for humans. Reasons that are {@link #held()} describe an operation that is valid in itself but has no effect in
 * the operations known so far (its inviter's JOIN may still be on its way): {@link Membership} keeps it, and it takes
 * effect when the operations it waits for arrive. Every other reason refuses the operation for good.
 */
public enum MembershipReject {
    /** Not a rejection: the operation was applied. */
    NONE("none", "the operation was applied", false),
    MEMBERSHIP_MALFORMED("membership_malformed", "a membership operation whose fields disagree with its length", false),
    MEMBERSHIP_VERSION("membership_version", "a membership operation from a newer version of Elara", false),
    MEMBERSHIP_KIND("membership_kind", "a membership operation of an unknown kind", false),
    MEMBERSHIP_SIGNATURE(
            "membership_signature", "a membership operation whose actor's signature does not verify", false),
    MEMBERSHIP_INVITE("membership_invite", "a JOIN whose invite is damaged or not signed by the node it names", false),
    MEMBERSHIP_SESSION("membership_session", "a membership operation, or its invite, for another session", false),
    MEMBERSHIP_INVITE_EXPIRED("membership_invite_expired", "a JOIN made after its invite expired", false),
    MEMBERSHIP_JOIN_TIME(
            "membership_join_time",
            "a JOIN from its joiner dated more than 2 minutes before, or 60 s after, the receiver's clock",
            false),
    MEMBERSHIP_NOT_SELF(
            "membership_not_self", "a JOIN or LEAVE signed by someone other than the member it names", false),
    MEMBERSHIP_NOT_CREATOR("membership_not_creator", "a KICK or BAN signed by someone other than the creator", false),
    MEMBERSHIP_CREATOR(
            "membership_creator", "an operation that would make the creator join, leave or be removed", false),
    MEMBERSHIP_DUPLICATE("membership_duplicate", "a membership operation already applied", false),
    MEMBERSHIP_LIMIT("membership_limit", "the session holds as many membership operations as it may", false),
    MEMBERSHIP_SNAPSHOT(
            "membership_snapshot", "a membership snapshot that is damaged or not in canonical order", false),
    MEMBERSHIP_INVITER("membership_inviter", "a JOIN with an invite from a node that was not a member then", true),
    MEMBERSHIP_INVITE_USED_UP("membership_invite_used_up", "a JOIN beyond its invite's number of uses", true),
    MEMBERSHIP_BANNED("membership_banned", "a JOIN by a node the creator has banned", true),
    MEMBERSHIP_NOT_MEMBER("membership_not_member", "a LEAVE or KICK of a node that was not a member then", true);

    private final String label;
    private final String description;
    private final boolean held;

    MembershipReject(String label, String description, boolean held) {
        this.label = label;
        this.description = description;
        this.held = held;
    }

    /** Metric label, snake case. */
    public String label() {
        return label;
    }

    /** One line for humans. */
    public String description() {
        return description;
    }

    /** The reason whose {@link #label} is {@code label}, or null. */
    public static MembershipReject fromLabel(String label) {
        for (MembershipReject reject : values()) {
            if (reject.label.equals(label)) {
                return reject;
            }
        }
        return null;
    }

    /** True when the operation was kept and may take effect once the operations before it arrive. */
    public boolean held() {
        return held;
    }
}
