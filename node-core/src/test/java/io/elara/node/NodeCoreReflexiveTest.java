package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node learns its server-reflexive address from the STUN servers of its config, on its own port, and puts it in its
 * invites; a joiner tries an invite's addresses in turn until the inviter answers at one.
 */
class NodeCoreReflexiveTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final CoreNetwork network = new CoreNetwork(83);

    private long now() {
        return network.clock.nowNs();
    }

    @Test
    void shouldLearnItsAddressBehindANatFromAnotherNodeAnsweringStun() {
        // Goal: every node is a STUN server, so a node behind a NAT learns the address its NAT gave it from any other
        // node it names. Method: alice names bob (port 7202) as her STUN server; her NAT maps her port to 40001 (the
        // network's rebind); she asks from her own port and reports 127.0.0.1:40001.
        Member bob = network.add("bob", 7202, b -> b);
        Member alice = network.add("alice", 7201, b -> b.stunServer("127.0.0.1:7202"));
        network.rebind(alice, 40001);
        network.runUntil(() -> !alice.core.reflexiveAddresses().isEmpty(), LIMIT, "alice's reflexive address");
        assertThat(alice.core.reflexiveAddresses()).containsExactly(CoreNetwork.address(40001));
        assertThat(alice.core.status(now()).reflexive()).containsExactly("127.0.0.1:40001");
        assertThat(bob.core.stunAnswered()).isEqualTo(1);
        assertThat(alice.core.rejects().total())
                .as("the answer was taken, not dropped")
                .isZero();
    }

    @Test
    void shouldRefreshTheMappingAndDropItWhenTheServerStopsAnswering() {
        Member bob = network.add("bob", 7202, b -> b);
        Member alice = network.add("alice", 7201, b -> b.stunServer("127.0.0.1:7202"));
        network.runUntil(() -> !alice.core.reflexiveAddresses().isEmpty(), LIMIT, "alice's reflexive address");

        network.runFor(Duration.ofNanos(ReflexiveDiscovery.REFRESH_NS * 2 + TimeUnit.SECONDS.toNanos(1)));
        assertThat(bob.core.stunAnswered())
                .as("asked again every refresh, keeping the NAT's mapping")
                .isEqualTo(3);

        bob.cutOff = true;
        network.runFor(Duration.ofNanos(ReflexiveDiscovery.REFRESH_NS + TimeUnit.SECONDS.toNanos(10)));
        assertThat(alice.core.reflexiveAddresses())
                .as("no server confirms the mapping any more")
                .isEmpty();
    }

    @Test
    void shouldGiveUpOnASilentServerAfterItsAttemptsAndTryAgainLater() {
        List<Long> requestTimesMs = new ArrayList<>();
        network.wiretap = (to, bytes) -> {
            if (to.getPort() == 7999) {
                requestTimesMs.add(TimeUnit.NANOSECONDS.toMillis(now()));
            }
        };
        long startMs = TimeUnit.NANOSECONDS.toMillis(now());
        Member alice = network.add("alice", 7201, b -> b.stunServer("127.0.0.1:7999"));
        network.runFor(Duration.ofSeconds(20));
        assertThat(requestTimesMs)
                .as("four attempts 0.5, 1 and 2 s apart, then silence")
                .hasSize(ReflexiveDiscovery.ATTEMPTS_MAX);
        assertThat(requestTimesMs.get(3) - requestTimesMs.get(0)).isEqualTo(3_500);
        network.runFor(Duration.ofSeconds(30));
        assertThat(requestTimesMs)
                .as("asked again after the retry interval")
                .hasSize(2 * ReflexiveDiscovery.ATTEMPTS_MAX);
        assertThat(requestTimesMs.get(0) - startMs).isLessThan(1_000);
        assertThat(alice.core.reflexiveAddresses()).isEmpty();
    }

    @Test
    void shouldJoinThroughTheNextAddressOfAnInviteWhenTheFirstStaysSilent() throws Exception {
        // Goal: an invite lists the inviter's host address before its reflexive one; a joiner on another network gets
        // no answer at the first and must go on to the next. Method: alice's invite names an address nobody answers
        // at, then her own; bob joins with it.
        Member alice = network.add("alice", 7201, b -> b);
        Member bob = network.add("bob", 7202, b -> b);
        alice.core.createSession("team", now());
        InetSocketAddress silent = CoreNetwork.address(7999);
        String token =
                alice.core.invite("team", 0, now() / 1_000_000L + 3_600_000L, List.of(silent, alice.address), now());
        long startNs = now();
        CompletableFuture<String> joined = new CompletableFuture<>();
        bob.core.join(token, null, now(), joined);
        network.runUntil(joined::isDone, LIMIT, "bob to join");
        assertThat(joined.join()).isEqualTo("team");
        assertThat(now() - startNs)
                .as("after one wait at the silent address")
                .isGreaterThanOrEqualTo(SessionLayer.CANDIDATE_WAIT_NS);
        CompletableFuture<SendResult> hello = bob.core.sendText(SendTarget.session("team"), "hello", now());
        network.runUntil(hello::isDone, LIMIT, "bob's message acknowledged");
        assertThat(hello.join().acknowledgedBy()).containsExactly("alice");
        assertThat(bob.core.status(now()).peers())
                .extracting(NodeStatus.PeerStatus::address)
                .as("the silent address is forgotten once the join went through another")
                .containsExactly(io.elara.node.peer.Peer.format(alice.address));
    }

    @Test
    void shouldJoinThroughAMemberTheInviteNamesWhenTheInviterStaysSilent() throws Exception {
        // Goal: an inviter behind a NAT that keeps the joiner out names, after its own addresses, a member it is
        // connected to; the joiner gets in through that member. Method: carol joins alice's session; alice's invite
        // for bob names an address nobody answers at (hers, as bob's network would see it), then carol's; bob joins.
        Member alice = network.add("alice", 7211, b -> b);
        Member bob = network.add("bob", 7212, b -> b);
        Member carol = network.add("carol", 7213, b -> b);
        alice.core.createSession("team", now());
        String first = alice.core.invite("team", 0, now() / 1_000_000L + 3_600_000L, List.of(alice.address), now());
        CompletableFuture<String> carolJoined = new CompletableFuture<>();
        carol.core.join(first, null, now(), carolJoined);
        network.runUntil(carolJoined::isDone, LIMIT, "carol to join");
        assertThat(alice.core.reachableMembers("team", 2))
                .as("carol's address is a private one here: an invite would not name her")
                .isEmpty();
        InetSocketAddress silent = CoreNetwork.address(7998);
        String token =
                alice.core.invite("team", 0, now() / 1_000_000L + 3_600_000L, List.of(silent, carol.address), now());

        CompletableFuture<String> joined = new CompletableFuture<>();
        bob.core.join(token, null, now(), joined);
        network.runUntil(joined::isDone, LIMIT, "bob to join through carol");

        assertThat(joined.join()).isEqualTo("team");
        CompletableFuture<SendResult> hello = bob.core.sendText(SendTarget.session("team"), "hello", now());
        network.runUntil(hello::isDone, LIMIT, "bob's message acknowledged");
        assertThat(hello.join().acknowledgedBy()).containsExactlyInAnyOrder("alice", "carol");
    }
}
