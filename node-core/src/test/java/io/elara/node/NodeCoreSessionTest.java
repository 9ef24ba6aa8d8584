package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.EventProof;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.membership.MembershipReject;
import io.elara.node.wire.EventFrameCodec;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Created sessions between protected cores on a virtual network: invites, joins, a full mesh of members that found
 * each other through the inviter, removal by the creator, refusal of what the membership does not allow, and
 * anti-entropy that lets a member pass on what another missed.
 */
class NodeCoreSessionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    private final CoreNetwork network = new CoreNetwork(71);
    private final Member alice = network.add("alice", 7101, b -> b);
    private final Member bob = network.add("bob", 7102, b -> b);
    private final Member carol = network.add("carol", 7103, b -> b);

    private long now() {
        return network.clock.nowNs();
    }

    private String invite(Member inviter, int uses) throws SendException {
        return inviter.core.invite("team", uses, now() / 1_000_000L + HOUR_MS, List.of(inviter.address), now());
    }

    private void join(Member joiner, String token) throws SendException {
        CompletableFuture<String> joined = new CompletableFuture<>();
        joiner.core.join(token, null, now(), joined);
        network.runUntil(joined::isDone, LIMIT, joiner.name + " to join");
        assertThat(joined.join()).isEqualTo("team");
    }

    private List<String> members(Member member) {
        return member.core.sessionList().stream()
                .filter(info -> info.name().equals("team"))
                .flatMap(info -> info.members().stream())
                .map(SessionInfo.Member::name)
                .sorted()
                .toList();
    }

    private CompletableFuture<SendResult> say(Member from, String text) {
        return from.core.sendText(SendTarget.session("team"), text, now());
    }

    /** Alice creates the session; bob joins with her invite, carol with bob's. */
    private void threeMembers() throws SendException {
        alice.core.createSession("team", now());
        join(bob, invite(alice, 0));
        join(carol, invite(bob, 0));
        network.runUntil(
                () -> members(alice).size() == 3 && members(carol).size() == 3 && connectedAll(),
                LIMIT,
                "everyone to know everyone");
    }

    private boolean connectedAll() {
        for (Member member : List.of(alice, bob, carol)) {
            for (SessionInfo info : member.core.sessionList()) {
                if (info.name().equals("team") && !info.members().stream().allMatch(SessionInfo.Member::connected)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void shouldJoinByInviteAndReachEveryMemberInAFullMesh() throws Exception {
        // Goal: two joins, one through a member who is not the creator, give a session whose messages reach every
        // member. Method: carol never talks to alice before; she learns alice's address from bob's welcome and sends
        // to her directly.
        threeMembers();
        assertThat(members(alice)).containsExactly("alice", "bob", "carol");
        assertThat(members(bob)).containsExactly("alice", "bob", "carol");
        assertThat(members(carol)).containsExactly("alice", "bob", "carol");
        assertThat(carol.core.sessionList().get(0).kind()).isIn("joined", "configured");
        assertThat(carol.core.sessionList().get(0).propagation()).isEqualTo("mesh");

        CompletableFuture<SendResult> fromAlice = say(alice, "hello team");
        CompletableFuture<SendResult> fromCarol = say(carol, "hi from carol");
        network.runUntil(() -> fromAlice.isDone() && fromCarol.isDone(), LIMIT, "both sends acknowledged");
        assertThat(fromAlice.join().acknowledgedBy()).containsExactlyInAnyOrder("bob", "carol");
        assertThat(fromCarol.join().acknowledgedBy()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(bob.texts()).contains("alice: hello team", "carol: hi from carol");
        assertThat(alice.texts()).contains("carol: hi from carol");
        assertThat(carol.texts()).contains("alice: hello team");
        assertThat(alice.core.history("team")).extracting(Event::text).contains("hello team", "hi from carol");
        for (Member member : List.of(alice, bob, carol)) {
            assertThat(member.core.rejects().get(RejectReason.SESSION_CONTROL))
                    .as(member.name)
                    .isZero();
            assertThat(member.core.rejects().get(RejectReason.NOT_MEMBER))
                    .as(member.name)
                    .isZero();
        }
    }

    @Test
    void shouldPlayMediaFromAMemberWhoIsInNoConfig() throws Exception {
        // Goal: media is taken from configured peers and members of this node's sessions only; carol is in nobody's
        // config, so alice takes her voice because she joined the session. Method: three members; carol sends a frame
        // to alice directly.
        threeMembers();
        List<Integer> heard = new java.util.ArrayList<>();
        alice.core.subscribeMedia((peer, stream, sequence, cls, buffer, offset, length) -> heard.add(stream));
        io.netty.buffer.ByteBuf voice = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        try {
            assertThat(carol.core.sendMedia(
                            "alice", 1, io.elara.node.lane.TrafficClass.PERCEPTUAL, voice, 1_000_000, now()))
                    .isEqualTo(io.elara.node.lane.MediaSendResult.QUEUED);
        } finally {
            voice.release();
        }
        network.runFor(Duration.ofSeconds(1));
        assertThat(heard).containsExactly(1);
        assertThat(alice.core.rejects().get(RejectReason.MEDIA_NOT_MEMBER)).isZero();
    }

    @Test
    void shouldRefuseAJoinBeyondTheInvitesUses() throws Exception {
        // Goal: an invite for one use admits one node; the second is refused with the reason, and counted.
        alice.core.createSession("team", now());
        String once = invite(alice, 1);
        join(bob, once);
        CompletableFuture<String> second = new CompletableFuture<>();
        carol.core.join(once, null, now(), second);
        network.runUntil(second::isDone, LIMIT, "carol's answer");
        assertThat(second).isCompletedExceptionally();
        assertThatThrownBy(second::join)
                .hasMessageContaining("the inviter refused the join")
                .hasMessageContaining("beyond its invite's number of uses");
        assertThat(members(alice)).containsExactly("alice", "bob");
        assertThat(carol.core.sessionList()).isEmpty();
        assertThat(alice.core.rejects().get(RejectReason.SESSION_CONTROL)).isEqualTo(1);
        assertThat(alice.core.status(now()).rejects()).containsEntry("membership_invite_used_up", 1L);
    }

    @Test
    void shouldRefuseForgedAndExpiredInvitesBeforeSendingAnything() throws Exception {
        alice.core.createSession("team", now());
        String token = invite(alice, 0);
        char last = token.charAt(token.length() - 3);
        String forged = token.substring(0, token.length() - 3)
                + (last == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 2);
        assertThatThrownBy(() -> bob.core.join(forged, null, now(), new CompletableFuture<>()))
                .isInstanceOf(SendException.class)
                .hasMessageStartingWith("not a valid invite");
        String shortLived = alice.core.invite("team", 0, now() / 1_000_000L + 1_000, List.of(alice.address), now());
        network.runFor(Duration.ofSeconds(2));
        assertThatThrownBy(() -> bob.core.join(shortLived, null, now(), new CompletableFuture<>()))
                .isInstanceOf(SendException.class)
                .hasMessageContaining("expired");
        assertThat(bob.core.sessionList()).isEmpty();
        assertThat(members(alice)).containsExactly("alice");
    }

    @Test
    void shouldRefuseASessionBeyondTheMostANodeMayBeInAndTakeOneAfterLeaving() throws Exception {
        // Goal: the sessions a node is in are bounded (each keeps its recent events in memory): past the bound,
        // creating and joining fail with one line that says why, and leaving one makes room. Method: alice creates
        // 255 sessions and joins bob's, the 256th; then she tries a 257th both ways, leaves bob's, and creates one.
        for (int i = 0; i < SessionLayer.SESSIONS_MAX - 1; i++) {
            alice.core.createSession("s" + i, now());
        }
        bob.core.createSession("team", now());
        join(alice, invite(bob, 0));
        String problem =
                "this node is in 256 sessions (joins under way included), the most it may be in; leave one" + " first";
        assertThatThrownBy(() -> alice.core.createSession("one-more", now())).hasMessage(problem);
        carol.core.createSession("other", now());
        String token = carol.core.invite("other", 0, now() / 1_000_000L + HOUR_MS, List.of(carol.address), now());
        assertThatThrownBy(() -> alice.core.join(token, null, now(), new CompletableFuture<>()))
                .hasMessage(problem);

        alice.core.leaveSession("team", now());
        alice.core.createSession("one-more", now());
        assertThat(alice.core.sessionList()).hasSize(SessionLayer.SESSIONS_MAX);
    }

    @Test
    void shouldRefuseAJoinDatedBeforeItsInvitesExpiryButSentAfterIt() throws Exception {
        // Goal: an invite's expiry holds against a joiner that dates its JOIN back. The JOIN carries its signer's
        // time, and the invite is checked against that time, so a node with an expired invite and a clock set an hour
        // back (or a forged time) was admitted. Method: alice's invite expires; bob's clock is an hour behind; he
        // joins with it. Then carol, whose clock is 50 s behind (within what the nodes tolerate), joins with a valid
        // invite.
        alice.core.createSession("team", now());
        String shortLived = alice.core.invite("team", 0, now() / 1_000_000L + 1_000, List.of(alice.address), now());
        network.runFor(Duration.ofSeconds(5));
        long refusedBefore = alice.core.rejects().get(RejectReason.SESSION_CONTROL);

        bob.clockSkewNs = -TimeUnit.HOURS.toNanos(1);
        bob.start(7302);
        CompletableFuture<String> joined = new CompletableFuture<>();
        bob.core.join(shortLived, null, bob.nowNs(now()), joined);
        network.runUntil(joined::isDone, LIMIT, "bob's join to end");

        assertThat(joined).isCompletedExceptionally();
        assertThat(members(alice)).containsExactly("alice");
        assertThat(alice.core.rejects().get(RejectReason.SESSION_CONTROL)).isGreaterThan(refusedBefore);

        carol.clockSkewNs = -TimeUnit.SECONDS.toNanos(50);
        carol.start(7303);
        CompletableFuture<String> carolJoined = new CompletableFuture<>();
        carol.core.join(invite(alice, 0), null, carol.nowNs(now()), carolJoined);
        network.runUntil(carolJoined::isDone, LIMIT, "carol's join to end");
        assertThat(carolJoined.join()).isEqualTo("team");
        assertThat(members(alice)).containsExactly("alice", "carol");
    }

    @Test
    void shouldRejectAndCountAnEventFromANonMember() throws Exception {
        // Goal: a node outside the session cannot put words in it, even signed with its own valid key. Method: a
        // stranger who learned the session id signs a proper event for it and sends it to alice.
        threeMembers();
        Member stranger = network.add("stranger", 7109, b -> b);
        SessionId team = SessionId.DIRECT;
        for (SessionInfo info : alice.core.sessionList()) {
            if (info.name().equals("team")) {
                team = new SessionId(
                        Long.parseUnsignedLong(info.id().substring(0, 16), 16),
                        Long.parseUnsignedLong(info.id().substring(16), 16));
            }
        }
        Event event = new Event(
                EventId.random(new SplittableRandom(5)),
                team,
                stranger.identity.nodeId(),
                "stranger",
                alice.core.hlcNow(now()),
                EventKind.TEXT,
                "let me in");
        EventProof[] proof = BatchSigner.sign(stranger.identity, List.of(EventFrameCodec.signedBytes(event)));
        CompletableFuture<SendResult> sent = stranger.core.sendAsIs(alice.address, event.withProof(proof[0]), now());
        network.runUntil(sent::isDone, LIMIT, "the stranger's event to arrive");
        assertThat(alice.core.rejects().get(RejectReason.NOT_MEMBER)).isEqualTo(1);
        assertThat(alice.texts()).doesNotContain("stranger: let me in");
        assertThat(alice.core.history("team")).extracting(Event::text).doesNotContain("let me in");
    }

    @Test
    void shouldRemoveAKickedMemberEverywhere() throws Exception {
        // Goal: the creator's KICK reaches every member and the kicked one; nobody sends it the session's events
        // any more, and it no longer has the session.
        threeMembers();
        assertThatThrownBy(() -> bob.core.removeMember("team", "carol", false, now()))
                .hasMessageContaining("only the creator");
        alice.core.removeMember("team", "carol", false, now());
        network.runUntil(
                () -> members(bob).size() == 2 && carol.core.sessionList().isEmpty(), LIMIT, "the kick everywhere");
        assertThat(carol.core.endedSessions()).containsEntry("team", "removed by its creator");
        CompletableFuture<SendResult> after = say(bob, "carol is gone");
        network.runUntil(after::isDone, LIMIT, "bob's send");
        assertThat(after.join().acknowledgedBy()).containsExactly("alice");
        assertThat(carol.texts()).doesNotContain("bob: carol is gone");
        assertThatThrownBy(() -> carol.core
                        .sendText(SendTarget.session("team"), "still here?", now())
                        .join())
                .hasMessageContaining("no session named 'team'");
    }

    @Test
    void shouldBarABannedMemberFromJoiningAgain() throws Exception {
        alice.core.createSession("team", now());
        join(bob, invite(alice, 0));
        alice.core.removeMember("team", "bob", true, now());
        network.runUntil(() -> bob.core.sessionList().isEmpty(), LIMIT, "the ban at bob");
        assertThat(bob.core.endedSessions()).containsEntry("team", "banned by its creator");
        CompletableFuture<String> again = new CompletableFuture<>();
        bob.core.join(invite(alice, 0), null, now(), again);
        network.runUntil(again::isDone, LIMIT, "the answer to bob's new join");
        assertThatThrownBy(again::join).hasMessageContaining("banned");
        assertThat(members(alice)).containsExactly("alice");
        assertThat(alice.core.rejects().get(RejectReason.SESSION_CONTROL)).isEqualTo(1);
    }

    @Test
    void shouldPassOnWhatAMemberMissedThroughAnotherMember() throws Exception {
        // Goal: store-and-forward through another member. Method: bob vanishes; alice says three things (carol gets
        // them, bob cannot); alice vanishes for good; bob returns. Only carol can give bob alice's messages, and
        // anti-entropy on reconnect does, with alice's signatures intact.
        threeMembers();
        bob.cutOff = true;
        List<CompletableFuture<SendResult>> sends = List.of(say(alice, "one"), say(alice, "two"), say(alice, "three"));
        network.runUntil(
                () -> carol.texts().containsAll(List.of("alice: one", "alice: two", "alice: three")),
                LIMIT,
                "carol to have alice's messages");
        alice.cutOff = true;
        bob.cutOff = false;
        network.runUntil(
                () -> bob.texts().containsAll(List.of("alice: one", "alice: two", "alice: three")),
                Duration.ofMinutes(3),
                "bob to get alice's messages from carol");
        assertThat(bob.texts().stream()
                        .filter(text -> text.startsWith("alice: "))
                        .toList())
                .containsExactly("alice: one", "alice: two", "alice: three");
        assertThat(bob.core.rejects().get(RejectReason.SIGNATURE_INVALID)).isZero();
        assertThat(sends)
                .allMatch(send -> !send.isDone() || send.join().acknowledgedBy().contains("carol"));
    }

    @Test
    void shouldLetAMemberLeave() throws Exception {
        threeMembers();
        bob.core.leaveSession("team", now());
        network.runUntil(() -> members(alice).size() == 2 && members(carol).size() == 2, LIMIT, "the leave");
        assertThat(bob.core.sessionList()).isEmpty();
        assertThat(bob.core.endedSessions()).containsEntry("team", "left");
        assertThatThrownBy(() -> alice.core.leaveSession("team", now())).hasMessageContaining("creator");
        assertThat(alice.core.rejects().get(RejectReason.SESSION_CONTROL)).isZero();
    }

    @Test
    void shouldExplainWhatCannotBeDone() throws Exception {
        alice.core.createSession("team", now());
        assertThatThrownBy(() -> alice.core.createSession("team", now())).hasMessageContaining("exists already");
        assertThatThrownBy(
                        () -> alice.core.invite("nope", 0, now() / 1_000_000L + HOUR_MS, List.of(alice.address), now()))
                .hasMessageContaining("no session named 'nope'");
        assertThatThrownBy(() -> alice.core.removeMember("team", "nobody", false, now()))
                .hasMessageContaining("'nobody' is not a member");
        assertThatThrownBy(() -> bob.core.join("elara-invite1:AAAA", null, now(), new CompletableFuture<>()))
                .hasMessageStartingWith("not a valid invite");
        String own = invite(alice, 0);
        assertThatThrownBy(() -> alice.core.join(own, null, now(), new CompletableFuture<>()))
                .hasMessageContaining("own");
        assertThat(MembershipReject.fromLabel("membership_banned")).isEqualTo(MembershipReject.MEMBERSHIP_BANNED);
    }

    @Test
    void shouldNotLetOneSlowMemberHoldUpTheOthersAndFillItsGapsLater() throws Exception {
        // Goal: per-member backpressure in a full mesh. Method: with room for 8 messages per lane, carol stops taking
        // anything; alice says 30 things. Bob gets every one at once; carol's lane holds 8 and the rest pass her over
        // (each send reports her as busy) instead of failing the send for everyone. When carol is back, the session's
        // anti-entropy gives her what was passed over.
        CoreNetwork small = new CoreNetwork(72);
        io.elara.node.config.Limits limits = new io.elara.node.config.Limits(64, 8, 1024, 120_000, 4, 4096);
        Member ann = small.add("ann", 7201, b -> b.limits(limits));
        Member ben = small.add("ben", 7202, b -> b);
        Member cat = small.add("cat", 7203, b -> b);
        ann.core.createSession("team", small.clock.nowNs());
        for (Member joiner : List.of(ben, cat)) {
            String token = ann.core.invite(
                    "team", 0, small.clock.nowNs() / 1_000_000L + HOUR_MS, List.of(ann.address), small.clock.nowNs());
            CompletableFuture<String> joined = new CompletableFuture<>();
            joiner.core.join(token, null, small.clock.nowNs(), joined);
            small.runUntil(joined::isDone, LIMIT, joiner.name + " to join");
        }
        small.runFor(Duration.ofSeconds(2));
        cat.cutOff = true;
        List<CompletableFuture<SendResult>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sends.add(ann.core.sendText(SendTarget.session("team"), "m" + i, small.clock.nowNs()));
            small.runFor(Duration.ofMillis(20));
        }
        small.runUntil(() -> ben.texts().size() == 30, LIMIT, "ben to get all 30");
        long passedOver = sends.stream()
                .filter(CompletableFuture::isDone)
                .filter(send -> send.join().failures().getOrDefault("cat", "").startsWith("busy"))
                .count();
        assertThat(passedOver).as("sends that passed the slow member over").isGreaterThanOrEqualTo(20);
        assertThat(sends).allSatisfy(send -> assertThat(send).isNotCompletedExceptionally());

        // Cat comes back and gets what her lane held; a message sent now reaches her at once, so she holds ann's
        // first events and her newest, with a gap between: a comparison of the newest event held per author would
        // find nothing missing. The session's anti-entropy compares which of ann's numbered events each holds.
        cat.cutOff = false;
        small.runUntil(() -> cat.texts().size() >= 8, LIMIT, "cat to get what her lane held");
        CompletableFuture<SendResult> late = ann.core.sendText(SendTarget.session("team"), "late", small.clock.nowNs());
        small.runUntil(() -> cat.texts().contains("ann: late"), LIMIT, "cat to get the newest message");
        assertThat(cat.texts()).as("a gap inside one author's events").hasSizeLessThan(31);
        small.runUntil(late::isDone, LIMIT, "the newest message to be acknowledged");
        assertThat(late.join().acknowledgedBy()).contains("cat");
        small.runUntil(() -> cat.texts().size() == 31, Duration.ofMinutes(3), "cat to catch up");
        assertThat(cat.texts()).doesNotHaveDuplicates();
        assertThat(cat.texts()).containsAll(ben.texts());
    }

    @Test
    void shouldPassOnMoreThanTheLogInMemoryFromTheJournal() throws Exception {
        // Goal: anti-entropy reaches back as far as the database does, not only the last 1,000 events a session keeps
        // in memory. Method: as in the relay test, with journals; alice says more than 1,000 things while bob is away,
        // then leaves; carol passes them all on from her journal, a read of at most 1,024 per sync.
        threeMembers();
        java.util.Map<Member, ManualJournal> journals = new java.util.HashMap<>();
        for (Member member : List.of(alice, bob, carol)) {
            ManualJournal journal = new ManualJournal();
            journal.autoCommit(this::now);
            member.core.journal(journal);
            journals.put(member, journal);
        }
        bob.cutOff = true;
        int count = io.elara.node.session.ChatLog.EVENTS_MAX + 300;
        List<CompletableFuture<SendResult>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(say(alice, "old news " + i));
            if (i % 100 == 99) {
                network.runFor(Duration.ofMillis(50));
            }
        }
        network.runUntil(
                () -> journals.get(carol).committed.size() >= count, LIMIT, "carol to have all of alice's messages");
        alice.cutOff = true;
        bob.cutOff = false;
        network.runUntil(
                () -> bob.texts().stream()
                                .filter(text -> text.startsWith("alice: old news"))
                                .count()
                        == count,
                Duration.ofMinutes(5),
                "bob to get every one of alice's messages from carol");
        assertThat(bob.texts()).doesNotHaveDuplicates();
        assertThat(sends).hasSize(count);
    }

    private CompletableFuture<SendResult> setState(Member member, String key, String value) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        member.core.setState("team", key, value, now(), result);
        return result;
    }

    private static SessionInfo team(Member member) {
        return member.core.sessionList().stream()
                .filter(info -> info.name().equals("team"))
                .findFirst()
                .orElseThrow();
    }

    private static String presenceOf(Member at, Member of) {
        return team(at).members().stream()
                .filter(member -> member.name().equals(of.name))
                .findFirst()
                .orElseThrow()
                .presence();
    }

    @Test
    void shouldShareEachMembersPresenceAndTheTopicAndRepairWhatAMemberMissed() throws Exception {
        // Goal: presence and the topic live in the session's state: every member sees the same, a change made while a
        // member is away reaches it when it is back (through another member, signed by its author), and none of it
        // counts as a chat message. Method: three members; bob is cut off while alice goes away and carol sets the
        // topic; alice is then cut off for good, so only carol can give bob alice's change.
        threeMembers();
        assertThat(setState(alice, "presence", "online").isCompletedExceptionally())
                .isFalse();
        network.runUntil(() -> "online".equals(presenceOf(carol, alice)), LIMIT, "carol to see alice online");
        assertThat(presenceOf(bob, alice)).isEqualTo("online");

        bob.cutOff = true;
        CompletableFuture<SendResult> away = setState(alice, "presence", "away at lunch");
        CompletableFuture<SendResult> topic = setState(carol, "topic", "release on friday");
        network.runUntil(
                () -> "away at lunch".equals(presenceOf(carol, alice))
                        && team(alice).topic() != null,
                LIMIT,
                "alice and carol to see each other's changes");
        alice.cutOff = true;
        bob.cutOff = false;
        network.runUntil(
                () -> "away at lunch".equals(presenceOf(bob, alice))
                        && "release on friday".equals(team(bob).topic()),
                Duration.ofMinutes(3),
                "bob to get the changes he missed from carol");
        // Stored by their authors at once; acknowledged by the members that were there.
        assertThat(List.of(away, topic)).allSatisfy(change -> assertThat(change).isNotCompletedExceptionally());
        assertThat(presenceOf(bob, alice)).isEqualTo(presenceOf(carol, alice));
        assertThat(presenceOf(bob, bob)).as("bob set none").isNull();
        assertThat(bob.core.rejects().get(RejectReason.SIGNATURE_INVALID)).isZero();
        assertThat(bob.core.status(now()).sessions())
                .allSatisfy(
                        session -> assertThat(session.messages()).as("not chat").isZero());

        // A key a member may not write, and a malformed change, are refused before anything is sent.
        assertThat(setState(bob, "Bad Key", "x"))
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .withMessageContaining("is not a state key");
        assertThat(setState(bob, "topic", "two\nlines"))
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .withMessageContaining("is not a state change");
    }

    // Goal: a session from the config file is its configured peers' and this node's, not everyone's who knows its
    // name. Its id is the name's hash, so anyone can compute it; before, any node that completed a handshake could
    // post into it. Method: alice and bob configure "lobby" with each other; carol, a stranger to both, configures a
    // "lobby" of her own with alice in it and sends to it. Alice refuses carol's message as not a member's, shows
    // nothing, relays nothing to bob, and still takes bob's.
    @Test
    void shouldRefuseAConfiguredSessionsEventsFromANodeItsConfigDoesNotName() {
        CoreNetwork lobby = new CoreNetwork(72);
        Member first =
                lobby.add("alice", 7201, b -> b.peer("bob", "127.0.0.1:7202").session("lobby", "bob"));
        Member second =
                lobby.add("bob", 7202, b -> b.peer("alice", "127.0.0.1:7201").session("lobby", "alice"));
        Member stranger =
                lobby.add("carol", 7203, b -> b.peer("alice", "127.0.0.1:7201").session("lobby", "alice"));

        CompletableFuture<SendResult> intrusion =
                stranger.core.sendText(SendTarget.session("lobby"), "let me in", lobby.clock.nowNs());
        lobby.runFor(Duration.ofSeconds(5));
        CompletableFuture<SendResult> hello =
                second.core.sendText(SendTarget.session("lobby"), "hello", lobby.clock.nowNs());
        lobby.runUntil(hello::isDone, LIMIT, "bob's message");

        assertThat(hello.join().allAcknowledged()).isTrue();
        assertThat(first.texts()).containsExactly("bob: hello");
        assertThat(first.core.history("lobby")).extracting(Event::text).containsExactly("hello");
        assertThat(first.core.rejects().get(RejectReason.NOT_MEMBER)).isPositive();
        assertThat(second.texts()).isEmpty();
        // Refused, so never counted as stored at alice: the stranger's send fails at its delivery timeout instead of
        // reporting a delivery that did not happen.
        lobby.runUntil(intrusion::isDone, LIMIT, "the stranger's send to end");
        assertThat(intrusion.join().acknowledgedBy()).doesNotContain("alice");
    }
}
