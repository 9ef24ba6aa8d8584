package io.elara.node.stage;

import io.elara.crdt.clock.HlcClock;
import io.elara.crypto.sign.BatchVerifier;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.session.Session;
import io.elara.node.session.SessionState;
import io.elara.node.session.SessionTable;
import io.elara.node.wire.EventFrameCodec;
import io.netty.buffer.ByteBufUtil;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * VALIDATE: decides whether an event may enter the node. Checks sizes and characters, the author's clock against the
 * drift bound, that the session is one of this node's, and that the event is not a duplicate. Returns a reason instead
 * of throwing; nothing is allocated for a rejected event. Loop thread only.
 */
public final class ValidateStage {
    /** Event ids remembered for duplicate detection. */
    public static final int SEEN_EVENTS_MAX = 65_536;

    private final SessionTable sessions;
    private final HlcClock clock;
    private final int textBytesMax;
    private final LinkedHashSet<EventId> seen = new LinkedHashSet<>();
    /** Checks authors' signatures; null when the node runs without protection (benchmarks). */
    private final BatchVerifier verifier;

    public ValidateStage(SessionTable sessions, HlcClock clock, int textBytesMax) {
        this(sessions, clock, textBytesMax, null);
    }

    /**
     * @param verifier checks the author's signature of every received event; null to accept unsigned events (a node
     *     built without protection)
     */
    public ValidateStage(SessionTable sessions, HlcClock clock, int textBytesMax, BatchVerifier verifier) {
        this.sessions = sessions;
        this.clock = clock;
        this.textBytesMax = textBytesMax;
        this.verifier = verifier;
    }

    /** Ed25519 verifications done (batch signatures not already in the verifier's cache). */
    public long signatureChecks() {
        return verifier == null ? 0 : verifier.signatureChecks();
    }

    /**
     * Checks {@code event} at time {@code nowNs}. A local event skips the clock and signature checks (its stamp and
     * signature are this node's own). A received event's signature is checked after the cheap checks and the duplicate
     * check, but before its id is remembered: a forgery cannot claim a genuine event's id. An accepted event is
     * remembered, so the same id is a {@link RejectReason#DUPLICATE} from then on.
     */
    public RejectReason validate(Event event, boolean local, long nowNs) {
        RejectReason reason = checkContent(event);
        if (reason != RejectReason.NONE) {
            return reason;
        }
        if (!local && !clock.acceptable(event.hlc(), nowNs / 1_000_000L)) {
            return RejectReason.HLC_FUTURE;
        }
        Session session = sessions.byId(event.session());
        if (session == null) {
            return RejectReason.UNKNOWN_SESSION;
        }
        if (!session.admits(event.author())) {
            return RejectReason.NOT_MEMBER;
        }
        if (event.kind() == EventKind.STATE && session.id().isDirect()) {
            return RejectReason.STATE_INVALID;
        }
        if (seen.contains(event.id())) {
            return RejectReason.DUPLICATE;
        }
        if (!local && verifier != null) {
            if (event.proof() == null) {
                return RejectReason.SIGNATURE_MISSING;
            }
            if (!verifier.verify(event.author(), EventFrameCodec.signedBytes(event), event.proof())) {
                return RejectReason.SIGNATURE_INVALID;
            }
        }
        seen.add(event.id());
        if (seen.size() > SEEN_EVENTS_MAX) {
            Iterator<EventId> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return RejectReason.NONE;
    }

    /** Remembers {@code id} as seen (an event already stored, from before a restart): a copy of it is a duplicate. */
    public void remember(EventId id) {
        seen.add(id);
        if (seen.size() > SEEN_EVENTS_MAX) {
            Iterator<EventId> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Forgets that {@code id} was seen: its event was not kept (it could not be stored), so a copy may come again. */
    public void forget(EventId id) {
        seen.remove(id);
    }

    /** The checks that depend on the event alone, for rejecting a local send before it is created. */
    public RejectReason checkContent(Event event) {
        String name = event.authorName();
        if (name.isEmpty()
                || ByteBufUtil.utf8Bytes(name) > Event.NAME_LENGTH_MAX
                || hasControl(name, false)
                || !name.strip().equals(name)) {
            return RejectReason.NAME_INVALID;
        }
        String text = event.text();
        if (text.isEmpty()) {
            return RejectReason.TEXT_EMPTY;
        }
        int textBytes = ByteBufUtil.utf8Bytes(text);
        if (event.kind() == EventKind.SIGNAL && textBytes > Event.SIGNAL_BYTES_MAX) {
            return RejectReason.SIGNAL_TOO_LONG;
        }
        if (textBytes > textBytesMax) {
            return RejectReason.TEXT_TOO_LONG;
        }
        if (event.kind() == EventKind.STATE && SessionState.parse(text) == null) {
            return RejectReason.STATE_INVALID;
        }
        if (hasControl(text, true)) {
            return RejectReason.TEXT_CONTROL;
        }
        return RejectReason.NONE;
    }

    public int textBytesMax() {
        return textBytesMax;
    }

    /**
     * True for C0 controls (except tab and, in text, newline), DEL and C1 controls: the characters that carry terminal
     * escape sequences, which a peer must not be able to send to someone's screen.
     */
    static boolean hasControl(String text, boolean allowNewline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                if (c == '\t' || (allowNewline && c == '\n')) {
                    continue;
                }
                return true;
            }
            if (c >= 0x7F && c <= 0x9F) {
                return true;
            }
        }
        return false;
    }
}
