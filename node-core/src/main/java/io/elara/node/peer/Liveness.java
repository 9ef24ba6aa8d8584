package io.elara.node.peer;

import java.util.concurrent.TimeUnit;

/**
 * What one peer's PING and PONG frames say: whether the session to it is quiet enough to need a keepalive, whether it
 * has been silent long enough to be presumed gone, the PING this node awaits an answer to, the PONG it owes, and the
 * round-trip time and clock offset the last answer gave. Times are nanoseconds on the core's clock ({@code nowNs}),
 * clock samples microseconds on the same clock. Loop thread only.
 */
public final class Liveness {
    /**
     * A configured peer with a secure session, to which nothing has been sent and from which nothing has been heard
     * for this long, gets a PING. NATs forget a UDP mapping after about 30 s of silence (RFC 4787 REQ-5 asks for at
     * least 2 minutes, but many keep far less); WireGuard's persistent keepalive, commonly set to 25 s, serves the same
     * end.
     */
    public static final long KEEPALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(15);

    /**
     * A peer from which nothing authenticated has been heard for this long, four keepalive intervals, is presumed gone:
     * its session is closed. Its lane keeps what is queued, sent after a new handshake.
     */
    public static final long IDLE_TIMEOUT_NS = 4 * KEEPALIVE_INTERVAL_NS;

    /**
     * A session member silent this long, a keepalive interval and then some, has left a keepalive PING unanswered: this
     * node probes it (SWIM, Das et al. 2002): a PING every {@link #PROBE_PING_INTERVAL_NS}, and a request to a few
     * other members to probe it too, which tells a member gone from a path that failed between two nodes only.
     */
    public static final long PROBE_AFTER_NS = KEEPALIVE_INTERVAL_NS + TimeUnit.SECONDS.toNanos(3);

    /** While a member is probed, it gets a direct PING this often. */
    public static final long PROBE_PING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * A member still silent this long after the probing began, with no other member vouching for it, is suspect: shown
     * as such until it answers, or until {@link #IDLE_TIMEOUT_NS} declares it offline.
     */
    public static final long SUSPECT_AFTER_NS = PROBE_AFTER_NS + TimeUnit.SECONDS.toNanos(6);

    /** Another member's word that a member is alive counts for this long. */
    public static final long VOUCH_VALID_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * A member closed for silence is still the subject of requests to other members for this long after it was last
     * heard: they tell one gone for good from one this node alone has lost the path to.
     */
    public static final long PROBED_WHILE_IDLE_NS = TimeUnit.MINUTES.toNanos(10);

    /** The requests to other members to probe a silent member go again this often while it stays silent. */
    public static final long INDIRECT_PROBE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private long lastAuthenticatedNs = Long.MIN_VALUE;
    private long lastSentNs = Long.MIN_VALUE;
    private boolean idle;

    private long nextPingId;
    private boolean pingAwaited;
    private long awaitedPingId;
    private long awaitedPingClockUs;

    private boolean pongDue;
    private long pongPingId;
    private long pongPingClockUs;
    private long pongReceiveClockUs;
    private long pongArrivalNs;

    private long lastPingNs = Long.MIN_VALUE;
    private boolean pingRequested;
    private long indirectDueNs = Long.MIN_VALUE;
    private long indirectNonce;
    private long vouchedNs = Long.MIN_VALUE;
    private String vouchedBy;

    private long rttNs = -1;
    private long clockOffsetUs;
    private long clockSamples;
    private long pingsSent;
    private long pongsReceived;

    Liveness(long firstPingId) {
        this.nextPingId = firstPingId;
    }

    /** An authenticated packet (or a handshake) from the peer, at {@code nowNs}. */
    public void authenticated(long nowNs) {
        lastAuthenticatedNs = Math.max(lastAuthenticatedNs, nowNs);
        idle = false;
        indirectDueNs = Long.MIN_VALUE; // heard directly: the next silence starts a fresh round of probing
    }

    /** A datagram went to the peer at {@code nowNs}. */
    public void sent(long nowNs) {
        lastSentNs = Math.max(lastSentNs, nowNs);
    }

    public long lastAuthenticatedNs() {
        return lastAuthenticatedNs;
    }

    /**
     * When a session made at {@code sessionCreatedNs} needs a keepalive PING: {@link #KEEPALIVE_INTERVAL_NS} after the
     * last traffic either way.
     */
    public long keepaliveDeadlineNs(long sessionCreatedNs) {
        return Math.max(sessionCreatedNs, Math.max(lastAuthenticatedNs, lastSentNs)) + KEEPALIVE_INTERVAL_NS;
    }

    /**
     * When a session made at {@code sessionCreatedNs} is closed for silence: {@link #IDLE_TIMEOUT_NS} after the last
     * authenticated packet.
     */
    public long idleDeadlineNs(long sessionCreatedNs) {
        return Math.max(sessionCreatedNs, lastAuthenticatedNs) + IDLE_TIMEOUT_NS;
    }

    /**
     * When a session made at {@code sessionCreatedNs} starts being probed: {@link #PROBE_AFTER_NS} after the last
     * authenticated packet.
     */
    public long probeDeadlineNs(long sessionCreatedNs) {
        return Math.max(sessionCreatedNs, lastAuthenticatedNs) + PROBE_AFTER_NS;
    }

    /**
     * When this node next sends a PING to a peer it probes, or to which another member asked it to send one: at once
     * when asked, else {@link #PROBE_PING_INTERVAL_NS} after the last PING.
     */
    public long probePingDeadlineNs() {
        return pingRequested || lastPingNs == Long.MIN_VALUE ? Long.MIN_VALUE : lastPingNs + PROBE_PING_INTERVAL_NS;
    }

    /**
     * Whether the peer, its session closed for silence, is still the subject of requests to other members at {@code
     * nowNs}: for {@link #PROBED_WHILE_IDLE_NS} after it was last heard.
     */
    public boolean probedWhileIdle(long nowNs) {
        return idle && lastAuthenticatedNs != Long.MIN_VALUE && nowNs - lastAuthenticatedNs < PROBED_WHILE_IDLE_NS;
    }

    /** Another member asked this node to probe the peer: a PING goes at the next flush. */
    public void requestPing() {
        pingRequested = true;
    }

    public boolean pingRequested() {
        return pingRequested;
    }

    /** When the requests to other members to probe this peer are due again; {@link Long#MIN_VALUE}: now. */
    public long indirectDueNs() {
        return indirectDueNs;
    }

    /** Requests to probe this peer went to other members at {@code nowNs}, under {@code nonce}. */
    public void indirectSent(long nonce, long nowNs) {
        indirectNonce = nonce;
        indirectDueNs = nowNs + INDIRECT_PROBE_INTERVAL_NS;
    }

    /**
     * Member {@code by} answered a request to probe this peer: the peer answered it. Returns false, changing nothing,
     * unless {@code nonce} is that of the latest request.
     */
    public boolean vouched(long nonce, String by, long nowNs) {
        if (indirectDueNs == Long.MIN_VALUE || nonce != indirectNonce) {
            return false;
        }
        vouchedNs = nowNs;
        vouchedBy = by;
        return true;
    }

    /**
     * The member that last vouched for this peer, when it did so after the last packet heard from the peer directly and
     * within {@link #VOUCH_VALID_NS} of {@code nowNs}; else null.
     */
    public String vouchedBy(long nowNs) {
        return vouchedNs != Long.MIN_VALUE && vouchedNs >= lastAuthenticatedNs && nowNs - vouchedNs < VOUCH_VALID_NS
                ? vouchedBy
                : null;
    }

    /** The peer's session was closed for silence; cleared by the next authenticated packet or handshake. */
    public void wentIdle() {
        idle = true;
        pongDue = false;
        pingAwaited = false;
    }

    public boolean idle() {
        return idle;
    }

    /** Starts a PING at {@code nowNs}: returns its id, now the one awaited (an earlier unanswered one is given up). */
    public long pingSent(long nowNs) {
        long id = nextPingId++;
        lastPingNs = nowNs;
        pingRequested = false;
        pingAwaited = true;
        awaitedPingId = id;
        awaitedPingClockUs = clockUs(nowNs);
        pingsSent++;
        return id;
    }

    /** The Transmit Clock of the PING {@link #pingSent} started. */
    public long awaitedPingClockUs() {
        return awaitedPingClockUs;
    }

    /** A PING arrived at {@code nowNs}: a PONG is owed (only to the latest, when several arrive before a flush). */
    public void pingReceived(long pingId, long pingClockUs, long nowNs) {
        pongDue = true;
        pongPingId = pingId;
        pongPingClockUs = pingClockUs;
        pongReceiveClockUs = clockUs(nowNs);
        pongArrivalNs = nowNs;
    }

    public boolean pongDue() {
        return pongDue;
    }

    public long pongPingId() {
        return pongPingId;
    }

    public long pongPingClockUs() {
        return pongPingClockUs;
    }

    public long pongReceiveClockUs() {
        return pongReceiveClockUs;
    }

    /** Microseconds the owed PONG has been held at {@code nowNs}. */
    public long pongHoldUs(long nowNs) {
        return TimeUnit.NANOSECONDS.toMicros(Math.max(0, nowNs - pongArrivalNs));
    }

    public void pongSent() {
        pongDue = false;
    }

    /**
     * A PONG arrived at {@code nowNs}. Returns false, changing nothing, unless it answers the awaited PING with that
     * PING's clock. Otherwise takes one sample: round-trip time {@code (T4 - T1) - hold} and offset {@code ((T2 - T1) +
     * (T3 - T4)) / 2}, where T3 = T2 + hold (RFC 5905 §8).
     */
    public boolean pongReceived(long pingId, long pingClockUs, long receiveClockUs, long holdUs, long nowNs) {
        if (!pingAwaited || pingId != awaitedPingId || pingClockUs != awaitedPingClockUs) {
            return false;
        }
        pingAwaited = false;
        pongsReceived++;
        long t1 = pingClockUs;
        long t2 = receiveClockUs;
        long t3 = receiveClockUs + holdUs;
        long t4 = clockUs(nowNs);
        rttNs = TimeUnit.MICROSECONDS.toNanos(Math.max(0, (t4 - t1) - holdUs));
        clockOffsetUs = ((t2 - t1) + (t3 - t4)) / 2;
        clockSamples++;
        return true;
    }

    /** The last PING's round-trip time, the responder's hold time excluded, or -1 before the first PONG. */
    public long rttNs() {
        return rttNs;
    }

    /**
     * How far the peer's clock is ahead of this node's (negative: behind), in microseconds, from the last PONG; 0
     * before the first ({@link #clockSamples}).
     */
    public long clockOffsetUs() {
        return clockOffsetUs;
    }

    public long clockSamples() {
        return clockSamples;
    }

    public long pingsSent() {
        return pingsSent;
    }

    public long pongsReceived() {
        return pongsReceived;
    }

    /** A clock sample: the core's time in microseconds since the Unix epoch. */
    public static long clockUs(long nowNs) {
        return Math.floorDiv(nowNs, 1_000L);
    }
}
