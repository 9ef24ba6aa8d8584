package io.elara.node;

import io.elara.node.lane.LatencyFirstReceiver;
import io.elara.node.lane.LatencyFirstSender;
import io.elara.node.lane.ReliableSender;
import io.elara.node.lane.TrafficClass;
import io.elara.node.media.DegradationLadder;
import io.elara.node.media.DegradationLevel;
import io.elara.node.peer.Peer;
import io.elara.node.session.ControlMessage;
import java.util.IdentityHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How media fares on each link, and the degradation ladder it drives. Twice a second, for every peer with a secure
 * session:
 *
 * <ul>
 *   <li>As a receiver: if media arrived from the peer, this node tells it, in a session control {@code report}, how many
 *       frames the interval should have brought (by the sequence numbers), how many it delivered, and how many bytes:
 *       RTCP's receiver report, in one line. The sender learns its loss and the rate the path carried, which its own
 *       counters cannot tell it: media is never acknowledged.
 *   <li>As a sender: the peer's {@link DegradationLadder} takes the interval's measures: the loss the peer reported
 *       (or all of it, when media went out for three seconds and no report came back), the reliable lane's share of
 *       frames sent again, its smoothed round trip and variation, and the share of media this node's lane dropped in
 *       its queue for want of congestion window.
 * </ul>
 *
 * The node's level is the worst of its links that carried media within {@link #ACTIVE_NS}, or that are still below
 * full: one encoding goes to every member of a call, so it is made for the weakest link. Loop thread only.
 */
final class MediaQuality {
    private static final Logger LOG = LoggerFactory.getLogger(MediaQuality.class);

    /** How often links are measured and reports sent. */
    static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);

    /** A link counts towards the node's level while media went either way on it within this time. */
    static final long ACTIVE_NS = TimeUnit.SECONDS.toNanos(10);

    /** A sender that sent media for this long and heard no report takes all of it as lost. */
    static final long REPORT_SILENCE_NS = TimeUnit.SECONDS.toNanos(3);

    /** Fewer frames than this in an interval make no share: one lost frame of three is not 33 % loss. */
    static final int SAMPLE_FRAMES_MIN = 10;

    /** The frames the loss the ladder weighs is measured over, at least. */
    static final int LOSS_WINDOW_FRAMES = 100;

    /** Fewer frames than this in one report do not step the ladder down at once. */
    static final int SEVERE_FRAMES_MIN = 40;

    /** The largest interval a report may cover (a report claiming more is refused). */
    static final long REPORT_MILLIS_MAX = 60_000;

    /** One link's state. */
    static final class Link {
        final DegradationLadder ladder;
        // receiving: the receiver's counters at the last report sent
        long reportedExpected;
        long reportedDelivered;
        long reportedBytes;
        // sending: the counters at the last interval
        long transmissions;
        long retransmissions;
        long mediaSent;
        long mediaDropped;
        long sendingSinceNs = Long.MIN_VALUE;
        long lastMediaNs = Long.MIN_VALUE;
        // the peer's last report
        long reportNs = Long.MIN_VALUE;
        double reportedLoss = Double.NaN;
        double lastLoss = Double.NaN;
        long windowExpected;
        long windowDelivered;
        double receivedBitsPerSecond = -1;
        long reports;

        Link(DegradationLadder.Thresholds thresholds) {
            this.ladder = new DegradationLadder(thresholds);
        }
    }

    private final NodeCore core;
    private final DegradationLadder.Thresholds thresholds;
    private final IdentityHashMap<Peer, Link> links = new IdentityHashMap<>();
    private long nextNs = Long.MIN_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private DegradationLevel level = DegradationLevel.FULL;
    private String reason = "no link below full";
    private long changes;
    /** Whether any link carried media lately or stands below full: only then does the ladder need the timer. */
    private boolean active;

    MediaQuality(NodeCore core, DegradationLadder.Thresholds thresholds) {
        this.core = core;
        this.thresholds = thresholds;
    }

    /** Measures every link once {@link #INTERVAL_NS} has passed since the last time. */
    void tick(long nowNs) {
        if (nextNs != Long.MIN_VALUE && nowNs < nextNs) {
            return;
        }
        long intervalNs = lastNs == Long.MIN_VALUE ? INTERVAL_NS : nowNs - lastNs;
        lastNs = nowNs;
        nextNs = nowNs + INTERVAL_NS;
        links.keySet().removeIf(peer -> core.peerTable().byName(peer.label()) != peer);
        DegradationLevel worst = DegradationLevel.FULL;
        String worstReason = "no link below full";
        for (Peer peer : core.peerTable().all()) {
            if (!core.linkUp(peer)) {
                continue;
            }
            Link link = links.get(peer);
            if (link == null) {
                LatencyFirstSender media = peer.mediaSender();
                if (media.framesSent() == 0
                        && media.queuedFrames() == 0
                        && peer.mediaReceiver().expected() == 0) {
                    continue; // no media either way yet: nothing to measure, and no timer to keep
                }
                link = new Link(thresholds);
                links.put(peer, link);
            }
            report(peer, link, intervalNs, nowNs);
            DegradationLevel before = link.ladder.level();
            DegradationLevel now = link.ladder.sample(measure(peer, link, nowNs), nowNs);
            if (now != before) {
                LOG.info("media to {}: {} -> {} ({})", peer.label(), before.label(), now.label(), link.ladder.reason());
            }
            boolean active = link.lastMediaNs != Long.MIN_VALUE && nowNs - link.lastMediaNs < ACTIVE_NS;
            if ((active || now != DegradationLevel.FULL) && now.compareTo(worst) > 0) {
                worst = now;
                worstReason = peer.label() + ": " + link.ladder.reason();
            }
        }
        active = false;
        for (Link link : links.values()) {
            if ((link.lastMediaNs != Long.MIN_VALUE && nowNs - link.lastMediaNs < ACTIVE_NS)
                    || link.ladder.level() != DegradationLevel.FULL) {
                active = true;
                break;
            }
        }
        if (worst != level) {
            changes++;
            LOG.info("media level {} -> {} ({})", level.label(), worst.label(), worstReason);
        }
        level = worst;
        reason = worstReason;
    }

    /** Sends {@code peer} a receiver report when media arrived from it since the last one. */
    private void report(Peer peer, Link link, long intervalNs, long nowNs) {
        LatencyFirstReceiver receiver = peer.mediaReceiver();
        long expected = receiver.expected() - link.reportedExpected;
        if (expected <= 0) {
            return;
        }
        long delivered = receiver.delivered() - link.reportedDelivered;
        long bytes = receiver.bytes() - link.reportedBytes;
        link.reportedExpected = receiver.expected();
        link.reportedDelivered = receiver.delivered();
        link.reportedBytes = receiver.bytes();
        link.lastMediaNs = nowNs;
        long millis = Math.max(1, Math.min(REPORT_MILLIS_MAX, TimeUnit.NANOSECONDS.toMillis(intervalNs)));
        core.sessionLayer().control(peer, ControlMessage.report(expected, delivered, bytes, millis), nowNs);
    }

    /** The interval's measures of the link towards {@code peer}. */
    private DegradationLadder.Sample measure(Peer peer, Link link, long nowNs) {
        ReliableSender sender = peer.sender();
        long transmissions = sender.transmissions() - link.transmissions;
        long retransmissions = sender.retransmissions() - link.retransmissions;
        link.transmissions = sender.transmissions();
        link.retransmissions = sender.retransmissions();
        LatencyFirstSender media = peer.mediaSender();
        long dropped = media.drops(LatencyFirstSender.Drop.DEADLINE)
                + media.drops(LatencyFirstSender.Drop.SUPERSEDED)
                + media.drops(LatencyFirstSender.Drop.PRESSURE);
        long sent = media.framesSent() - link.mediaSent;
        long droppedNow = dropped - link.mediaDropped;
        link.mediaSent = media.framesSent();
        link.mediaDropped = dropped;
        if (sent + droppedNow > 0) {
            link.lastMediaNs = nowNs;
            if (link.sendingSinceNs == Long.MIN_VALUE) {
                link.sendingSinceNs = nowNs;
            }
        } else {
            link.sendingSinceNs = Long.MIN_VALUE;
        }
        double loss = Double.NaN;
        double lossNow = Double.NaN;
        if (link.reportNs != Long.MIN_VALUE && nowNs - link.reportNs <= REPORT_SILENCE_NS) {
            loss = link.reportedLoss;
            // The latest report alone, once: a sudden loss steps down without waiting for the smoothing.
            lossNow = link.lastLoss;
            link.lastLoss = Double.NaN;
        } else if (sent > 0
                && link.sendingSinceNs != Long.MIN_VALUE
                && nowNs - link.sendingSinceNs >= REPORT_SILENCE_NS
                && (link.reportNs == Long.MIN_VALUE || nowNs - link.reportNs > REPORT_SILENCE_NS)) {
            loss = 1.0; // media went out for seconds and not one report came back
        }
        if (transmissions >= SAMPLE_FRAMES_MIN) {
            double reliableLoss = (double) retransmissions / transmissions;
            loss = Double.isNaN(loss) ? reliableLoss : Math.max(loss, reliableLoss);
        }
        double queueDrops =
                sent + droppedNow >= SAMPLE_FRAMES_MIN ? (double) droppedNow / (sent + droppedNow) : Double.NaN;
        // Round trip and jitter only while the reliable lane is sampling them: a stale figure would hold the ladder
        // down forever on a link that has gone quiet.
        boolean sampling = sender.srttNs() != 0 && transmissions > 0;
        long rttNs = sampling ? sender.srttNs() : -1;
        long jitterNs = sampling ? sender.rttVarianceNs() : -1;
        return new DegradationLadder.Sample(loss, rttNs, jitterNs, queueDrops, lossNow);
    }

    /** A receiver report from {@code peer}: loss and rate of the media this node sent it. */
    void onReport(Peer peer, ControlMessage message, long nowNs) {
        Link link = links.computeIfAbsent(peer, p -> new Link(thresholds));
        long expected = message.reportExpected();
        long delivered = Math.min(expected, message.reportDelivered());
        double loss = expected > 0 ? 1.0 - (double) delivered / expected : Double.NaN;
        boolean fresh = link.reportNs != Long.MIN_VALUE && nowNs - link.reportNs <= REPORT_SILENCE_NS;
        // Alone, a report decides only with enough frames behind it: one lost of ten is not a collapse.
        link.lastLoss = expected >= SEVERE_FRAMES_MIN ? loss : Double.NaN;
        // The loss the ladder weighs is over a window of at least LOSS_WINDOW_FRAMES frames (half of it carried on
        // each time it fills): 50 frames at 5 % loss read over 10 % one time in twenty, and a ladder that believed
        // that would step down for nothing; a picture stream of a few packets a report would be worse.
        if (!fresh) {
            link.windowExpected = 0;
            link.windowDelivered = 0;
            link.reportedLoss = Double.NaN;
        }
        link.windowExpected += expected;
        link.windowDelivered += delivered;
        if (link.windowExpected >= LOSS_WINDOW_FRAMES) {
            link.reportedLoss = 1.0 - (double) link.windowDelivered / link.windowExpected;
            link.windowExpected /= 2;
            link.windowDelivered /= 2;
        }
        link.reportNs = nowNs;
        link.reports++;
        link.receivedBitsPerSecond = message.reportBytes() * 8_000.0 / message.reportMillis();
    }

    /**
     * Whether the ladder of the link towards {@code peer} lets media of class {@code cls} go: below {@code low-voice}
     * every class; at it, perceptual and repair (voice); at {@code text-only}, none.
     */
    boolean allows(Peer peer, TrafficClass cls) {
        Link link = links.get(peer);
        if (link == null) {
            return true;
        }
        DegradationLevel at = link.ladder.level();
        return at.compareTo(DegradationLevel.LOW_VOICE) < 0
                || (at == DegradationLevel.LOW_VOICE && (cls == TrafficClass.PERCEPTUAL || cls == TrafficClass.REPAIR));
    }

    /** The level of the link towards {@code peer} ({@code full} before its first interval). */
    DegradationLevel levelOf(Peer peer) {
        Link link = links.get(peer);
        return link == null ? DegradationLevel.FULL : link.ladder.level();
    }

    /** The media loss {@code peer} last reported, percent, or -1 without a report in the last few seconds. */
    double lossPercent(Peer peer, long nowNs) {
        Link link = links.get(peer);
        return link == null
                        || link.reportNs == Long.MIN_VALUE
                        || nowNs - link.reportNs > REPORT_SILENCE_NS
                        || Double.isNaN(link.reportedLoss)
                ? -1
                : link.reportedLoss * 100;
    }

    /** The media rate {@code peer} last reported receiving, kbit/s, or -1 without a recent report. */
    double receivedKbps(Peer peer, long nowNs) {
        Link link = links.get(peer);
        return link == null || link.reportNs == Long.MIN_VALUE || nowNs - link.reportNs > REPORT_SILENCE_NS
                ? -1
                : link.receivedBitsPerSecond / 1000;
    }

    /** The node's level: the worst of its active links. */
    DegradationLevel level() {
        return level;
    }

    String reason() {
        return reason;
    }

    /** How many times the node's level changed since start. */
    long changes() {
        return changes;
    }

    /** The link towards {@code peer}, or null before its first interval. */
    Link link(Peer peer) {
        return links.get(peer);
    }

    long nextDeadlineNs() {
        // A node without media wakes for none of this (the simulator runs hundreds of cores): media arriving or
        // being sent makes a flush, and the flush ticks.
        return active ? nextNs : Long.MAX_VALUE;
    }
}
