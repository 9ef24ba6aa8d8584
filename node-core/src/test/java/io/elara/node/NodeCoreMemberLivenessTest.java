package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.EventProof;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.peer.Liveness;
import io.elara.node.session.ControlMessage;
import io.elara.node.wire.EventFrameCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Members' liveness as each node sees it, on a virtual network: a member heard lately is online; one that falls silent
 * is probed directly and through other members (SWIM's indirect probe); one that another member still hears stays
 * online, vouched for, even when the path between the two failed; one nobody hears is suspect, then offline; and it is
 * online again as soon as it answers.
 */
class NodeCoreMemberLivenessTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    private final CoreNetwork network = new CoreNetwork(97);
    private final Member alice = network.add("alice", 7201, b -> b);
    private final Member bob = network.add("bob", 7202, b -> b);
    private final Member carol = network.add("carol", 7203, b -> b);

    private long now() {
        return network.clock.nowNs();
    }

    private void join(Member joiner, Member inviter) throws SendException {
        String token = inviter.core.invite("team", 0, now() / 1_000_000L + HOUR_MS, List.of(inviter.address), now());
        CompletableFuture<String> joined = new CompletableFuture<>();
        joiner.core.join(token, null, now(), joined);
        network.runUntil(joined::isDone, LIMIT, joiner.name + " to join");
        assertThat(joined.join()).isEqualTo("team");
    }

    /** {@code who} as {@code seenBy} lists it in the session. */
    private SessionInfo.Member member(Member seenBy, Member who) {
        return seenBy.core.sessionList(now()).stream()
                .filter(info -> info.name().equals("team"))
                .flatMap(info -> info.members().stream())
                .filter(member -> member.name().equals(who.name))
                .findFirst()
                .orElseThrow();
    }

    private void threeMembers() throws SendException {
        alice.core.createSession("team", now());
        join(bob, alice);
        join(carol, alice);
        network.runUntil(
                () -> List.of(alice, bob, carol).stream()
                        .allMatch(m -> m.core.sessionList(now()).get(0).members().stream()
                                .allMatch(SessionInfo.Member::connected)),
                LIMIT,
                "everyone connected to everyone");
    }

    @Test
    void shouldKeepAMemberOnlineThatAnotherMemberStillHearsWhenTheDirectPathFails() throws Exception {
        // Goal: a failed path between two members is not taken for a member gone. Method: alice and bob lose every
        // datagram between them; carol still hears both and vouches for each to the other.
        threeMembers();
        assertThat(member(alice, bob).liveness()).isEqualTo("online");
        assertThat(member(alice, bob).vouchedBy()).isNull();
        network.blocked = (a, b) -> a == alice && b == bob;
        long blockedNs = now();

        network.runUntil(() -> "carol".equals(member(alice, bob).vouchedBy()), LIMIT, "carol to vouch for bob");
        long vouchedAfterNs = now() - blockedNs;
        assertThat(vouchedAfterNs).isLessThan(Liveness.SUSPECT_AFTER_NS);
        assertThat(member(alice, bob).liveness()).isEqualTo("online");
        network.runUntil(() -> "carol".equals(member(bob, alice).vouchedBy()), LIMIT, "carol to vouch for alice");

        // Past the idle timeout the session between alice and bob is closed, and carol still vouches.
        network.runFor(Duration.ofNanos(Liveness.IDLE_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(20)));
        SessionInfo.Member bobAtAlice = member(alice, bob);
        assertThat(bobAtAlice.connected()).isFalse();
        assertThat(bobAtAlice.liveness()).isEqualTo("online");
        assertThat(bobAtAlice.vouchedBy()).isEqualTo("carol");
        assertThat(bobAtAlice.lastSeenAgoMs())
                .isGreaterThanOrEqualTo(TimeUnit.NANOSECONDS.toMillis(Liveness.IDLE_TIMEOUT_NS));

        // A message alice sends still reaches bob, through carol.
        CompletableFuture<SendResult> sent = alice.core.sendText(SendTarget.session("team"), "around", now());
        network.runUntil(() -> bob.texts().contains("alice: around"), LIMIT, "alice's message to reach bob");

        for (Member m : List.of(alice, bob, carol)) {
            assertThat(m.core.rejects().get(RejectReason.SESSION_CONTROL))
                    .as(m.name)
                    .isZero();
        }
        assertThat(sent).isNotNull();
    }

    @Test
    void shouldSuspectThenDeclareOfflineAMemberNobodyHearsAndTakeItBackWhenItAnswers() throws Exception {
        // Goal: a member gone from the network goes online → suspect → offline, not at once, and comes back online as
        // soon as it answers. Method: bob loses every datagram, to and from everyone.
        threeMembers();
        bob.cutOff = true;
        long goneNs = now();

        network.runUntil(() -> member(alice, bob).liveness().equals("suspect"), LIMIT, "bob suspect at alice");
        long suspectAfterNs = now() - goneNs;
        assertThat(suspectAfterNs)
                .as("suspect only after the probing found nobody who hears bob")
                .isGreaterThanOrEqualTo(Liveness.SUSPECT_AFTER_NS - Liveness.KEEPALIVE_INTERVAL_NS)
                .isLessThan(Liveness.SUSPECT_AFTER_NS + TimeUnit.SECONDS.toNanos(2));
        assertThat(member(alice, bob).connected()).isTrue();
        assertThat(member(carol, bob).liveness()).isIn("online", "suspect");

        network.runUntil(() -> member(alice, bob).liveness().equals("offline"), LIMIT, "bob offline at alice");
        assertThat(now() - goneNs).isLessThanOrEqualTo(Liveness.IDLE_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(2));
        assertThat(member(alice, bob).connected()).isFalse();
        assertThat(member(alice, bob).vouchedBy()).isNull();
        assertThat(member(alice, carol).liveness()).isEqualTo("online");

        bob.cutOff = false;
        network.runUntil(
                () -> member(alice, bob).liveness().equals("online")
                        && member(alice, bob).connected()
                        && member(bob, alice).liveness().equals("online"),
                Duration.ofSeconds(90),
                "bob back online at alice and alice at bob");
        assertThat(member(alice, bob).lastSeenAgoMs()).isLessThan(TimeUnit.SECONDS.toMillis(5));
    }

    @Test
    void shouldCountAProbeAboutANodeOutsideEverySharedSessionAndNotAnswerIt() throws Exception {
        // Goal: a member cannot make another probe (and so PING) nodes the two do not share a session with. Method:
        // carol is a member; alice asks about dave, a node in no session of alice's.
        threeMembers();
        Member dave = network.add("dave", 7204, b -> b);
        long before = carol.core.rejects().get(RejectReason.SESSION_CONTROL);
        long datagramsToDave = dave.core.status(now()).counters().datagramsIn();

        Event probe = new Event(
                new EventId(11, 12),
                SessionId.DIRECT,
                alice.identity.nodeId(),
                "alice",
                Hlc.pack(network.clock.nowMs(), 0),
                EventKind.SESSION,
                ControlMessage.probe(true, dave.identity.nodeId(), 42L).text());
        EventProof proof = BatchSigner.sign(alice.identity, List.of(EventFrameCodec.signedBytes(probe)))[0];
        CompletableFuture<SendResult> sent = alice.core.sendAsIs(carol.address, probe.withProof(proof), now());
        network.runUntil(sent::isDone, LIMIT, "carol to take the probe request");
        network.runFor(Duration.ofSeconds(5));

        assertThat(carol.core.rejects().get(RejectReason.SESSION_CONTROL)).isEqualTo(before + 1);
        assertThat(dave.core.status(now()).counters().datagramsIn()).isEqualTo(datagramsToDave);
    }
}
