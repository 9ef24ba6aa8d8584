package io.elara.node.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecureEndpointTest {
    private static final long START_NS = 1_000_000_000_000L;
    private static final InetSocketAddress ALICE_ADDRESS = address(7001);
    private static final InetSocketAddress BOB_ADDRESS = address(7002);
    private static final InetSocketAddress OTHER_ADDRESS = address(7003);

    private final SecureRandom random = new SecureRandom();
    private final Identity alice = Identity.generate(random);
    private final Identity bob = Identity.generate(random);
    private final Identity mallory = Identity.generate(random);
    private final RecordingOutbox aliceOut = new RecordingOutbox();
    private final RecordingOutbox bobOut = new RecordingOutbox();
    private final SecureEndpoint aliceEnd = new SecureEndpoint(alice, false, random, aliceOut);
    private final SecureEndpoint bobEnd = new SecureEndpoint(bob, false, random, bobOut);

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private ExpectedPeer bobExpected() {
        return ExpectedPeer.of(bob.nodeId(), bob.staticPublicKey());
    }

    /** Runs the three messages between Alice (initiator) and Bob; returns Alice's session. */
    private SecureSession handshake() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(aliceOut.established).hasSize(1);
        assertThat(bobOut.established).hasSize(1);
        assertThat(aliceOut.established.get(0).awaitingConfirmation()).isTrue();
        // Bob's keepalive confirms to Alice that message 3 arrived; it delivers nothing.
        assertThat(aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(aliceOut.established.get(0).awaitingConfirmation()).isFalse();
        assertThat(aliceOut.received).isEmpty();
        return aliceOut.established.get(0);
    }

    @Test
    void shouldResendMessage3UntilTheResponderConfirmsWhenItIsLost() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS);
        aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, START_NS);
        aliceOut.takeLast(); // message 3, lost on the way
        SecureSession aliceSession = aliceOut.established.get(0);
        assertThat(aliceSession.awaitingConfirmation()).isTrue();
        assertThat(bobOut.established).isEmpty();
        assertThat(aliceEnd.nextDeadlineNs()).isEqualTo(START_NS + SecureEndpoint.FINISH_RESEND_NS);

        long later = START_NS + SecureEndpoint.FINISH_RESEND_NS;
        aliceEnd.onTimer(later);
        byte[] resent = aliceOut.takeLast();
        assertThat(resent[0]).isEqualTo(HandshakeCodec.TYPE_FINISH);
        assertThat(bobEnd.onDatagram(resent, ALICE_ADDRESS, later)).isEqualTo(SecureReject.NONE);
        assertThat(bobOut.established).hasSize(1);
        byte[] keepalive = bobOut.takeLast();
        // The keepalive is lost too: Alice sends message 3 once more; Bob recognises it and confirms again.
        aliceEnd.onTimer(later + SecureEndpoint.FINISH_RESEND_NS);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, later + 2))
                .isEqualTo(SecureReject.DUPLICATE_FINISH);
        assertThat(bobOut.established).as("no second session").hasSize(1);
        assertThat(aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, later + 3))
                .isEqualTo(SecureReject.NONE);
        assertThat(aliceSession.awaitingConfirmation()).isFalse();
        assertThat(aliceEnd.onDatagram(keepalive, BOB_ADDRESS, later + 4))
                .as("the first keepalive, arriving late, is still a valid packet")
                .isEqualTo(SecureReject.NONE);
        int sentBefore = aliceOut.sent.size();
        aliceEnd.onTimer(later + 10 * SecureEndpoint.FINISH_RESEND_NS);
        assertThat(aliceOut.sent).as("confirmed: nothing more to re-send").hasSize(sentBefore);
    }

    @Test
    void shouldExchangeTransportPacketsBothWaysWhenTheHandshakeCompletes() {
        SecureSession aliceSession = handshake();
        SecureSession bobSession = bobOut.established.get(0);
        assertThat(aliceSession.peer()).isEqualTo(bob.nodeId());
        assertThat(bobSession.peer()).isEqualTo(alice.nodeId());
        assertThat(aliceSession.remoteIndex()).isEqualTo(bobSession.localIndex());
        assertThat(bobSession.remoteIndex()).isEqualTo(aliceSession.localIndex());
        assertThat(aliceEnd.pendingHandshakes()).isZero();
        assertThat(bobEnd.pendingHandshakes()).isZero();

        byte[] toBob = aliceSession.seal(bytes("hello bob"), START_NS + 1);
        assertThat(toBob[0]).isEqualTo(TransportCodec.TYPE);
        assertThat(bobEnd.onDatagram(toBob, ALICE_ADDRESS, START_NS + 2)).isEqualTo(SecureReject.NONE);
        byte[] toAlice = bobSession.seal(bytes("hello alice"), START_NS + 3);
        assertThat(aliceEnd.onDatagram(toAlice, BOB_ADDRESS, START_NS + 4)).isEqualTo(SecureReject.NONE);
        byte[] empty = bobSession.seal(new byte[0], START_NS + 5);
        assertThat(aliceEnd.onDatagram(empty, BOB_ADDRESS, START_NS + 6)).isEqualTo(SecureReject.NONE);

        assertThat(new String(bobOut.received.get(0).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("hello bob");
        assertThat(new String(aliceOut.received.get(0).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("hello alice");
        assertThat(aliceOut.received)
                .as("an empty packet is a keepalive: nothing to deliver")
                .hasSize(1);
        assertThat(aliceSession.rekeyWanted(START_NS + 119_000_000_000L)).isFalse();
        assertThat(aliceSession.rekeyWanted(START_NS + 120_000_000_000L)).isTrue();
    }

    @Test
    void shouldRefuseWithUnexpectedNodeIdWhenAnImpostorAnswers() {
        RecordingOutbox malloryOut = new RecordingOutbox();
        SecureEndpoint malloryEnd = new SecureEndpoint(mallory, true, random, malloryOut);
        int dial = aliceEnd.initiate(ExpectedPeer.ofNodeId(bob.nodeId()), BOB_ADDRESS, START_NS);
        assertThat(malloryEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);

        assertThat(aliceEnd.onDatagram(malloryOut.takeLast(), BOB_ADDRESS, START_NS))
                .isEqualTo(SecureReject.UNEXPECTED_NODE_ID);
        assertThat(aliceEnd.rejects(SecureReject.UNEXPECTED_NODE_ID)).isEqualTo(1);
        assertThat(aliceOut.failed)
                .containsExactly(new RecordingOutbox.Failed(dial, bob.nodeId(), SecureReject.UNEXPECTED_NODE_ID));
        assertThat(aliceOut.sent).isEmpty();
        assertThat(aliceOut.established).isEmpty();
        assertThat(aliceEnd.pendingHandshakes()).isZero();
    }

    @Test
    void shouldDropWithBadMac1WhenTheResponderIsNotTheStaticKeyDialled() {
        RecordingOutbox malloryOut = new RecordingOutbox();
        SecureEndpoint malloryEnd = new SecureEndpoint(mallory, true, random, malloryOut);
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        assertThat(malloryEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.BAD_MAC1);
        assertThat(malloryEnd.pendingHandshakes()).isZero();
        assertThat(malloryOut.sent).isEmpty();
    }

    @Test
    void shouldRefuseEveryFlippedBitWhenAnyHandshakeMessageIsDamaged() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        // Message 1's MAC2 is only checked under load (see below), so every bit before it.
        assertEveryFlipRefused(bobEnd, initiation, HandshakeCodec.mac2Offset(initiation.length) * 8, ALICE_ADDRESS);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        assertThat(bobOut.sent).isEmpty();

        assertThat(bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        byte[] response = bobOut.takeLast();
        assertEveryFlipRefused(aliceEnd, response, response.length * 8, BOB_ADDRESS);
        assertThat(aliceOut.established).isEmpty();

        assertThat(aliceEnd.onDatagram(response, BOB_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        byte[] finish = aliceOut.takeLast();
        assertEveryFlipRefused(bobEnd, finish, finish.length * 8, ALICE_ADDRESS);
        assertThat(bobOut.established).isEmpty();
        assertThat(bobEnd.onDatagram(finish, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        assertThat(bobOut.established).hasSize(1);
    }

    @Test
    void shouldAskForACookieWhenUnderLoadAndMac2IsFlipped() {
        bobEnd.underLoad(true);
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS);
        aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, START_NS);
        byte[] withCookie = aliceOut.takeLast();
        for (int bit = HandshakeCodec.mac2Offset(withCookie.length) * 8; bit < withCookie.length * 8; bit++) {
            // A cookie reply for the first five; the source's replies are then used up for now.
            assertThat(bobEnd.onDatagram(flip(withCookie, bit), ALICE_ADDRESS, START_NS))
                    .isIn(SecureReject.COOKIE_NEEDED, SecureReject.COOKIE_REPLY_LIMITED);
        }
        assertThat(bobEnd.pendingHandshakes()).isZero();
    }

    // Goal: a flood under load costs the node a bounded number of replies: at most 5 at once and 20 a second to one
    // source, 200 at once and 2,000 a second to all. Method: one initiation, repeated from one address, then from
    // 10,000 addresses; counts of cookie replies sent at once and a second later.
    @Test
    void shouldAnswerAFloodWithNoMoreCookieRepliesThanTheRatesAllow() throws Exception {
        bobEnd.underLoad(true);
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        for (int i = 0; i < 100; i++) {
            bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS);
        }
        assertThat(bobOut.sent).hasSize(5);
        long second = 1_000_000_000L;
        for (int i = 0; i < 100; i++) {
            bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS + second);
        }
        assertThat(bobOut.sent)
                .as("the source's rate refills its bucket, up to its burst")
                .hasSize(10);

        bobOut.sent.clear();
        for (int i = 0; i < 10_000; i++) {
            bobEnd.onDatagram(initiation, spoofed(i), START_NS + 10 * second);
        }
        assertThat(bobOut.sent)
                .as("all sources at once: the burst")
                .hasSize(SecureEndpoint.COOKIE_REPLIES_PER_SECOND / 10);
        for (int i = 0; i < 10_000; i++) {
            bobEnd.onDatagram(initiation, spoofed(10_000 + i), START_NS + 11 * second);
        }
        assertThat(bobOut.sent)
                .as("a second later: the burst again, the rate refilled no more than it")
                .hasSize(2 * SecureEndpoint.COOKIE_REPLIES_PER_SECOND / 10);
        assertThat(bobEnd.rejects(SecureReject.COOKIE_REPLY_LIMITED)).isEqualTo(190 + 20_000 - 400);
        assertThat(bobEnd.pendingHandshakes()).isZero();
    }

    @Test
    void shouldHoldAtMostTheBoundOfHalfOpenHandshakesAndReleaseThemAtTheirTimeout() throws Exception {
        // Goal: handshakes that never finish (message 3 never comes) cost the responder bounded state: past 128 it
        // asks for cookies, so each needs a real return address; past 1,024 it refuses; 15 s later they are gone and
        // a real peer gets in. Method: 1,100 initiators, each at its own address, one every 25 ms (below the
        // initiation rate that alone means load; the node's timer does not run until the end); each answers the
        // cookie reply as a real initiator would, and none sends message 3.
        int initiators = SecureEndpoint.PENDING_HANDSHAKES_MAX + 76;
        int cookiesAsked = 0;
        for (int i = 0; i < initiators; i++) {
            long nowNs = START_NS + i * 25_000_000L;
            RecordingOutbox out = new RecordingOutbox();
            SecureEndpoint initiator = new SecureEndpoint(mallory, false, random, out);
            initiator.initiate(bobExpected(), BOB_ADDRESS, nowNs);
            SecureReject first = bobEnd.onDatagram(out.takeLast(), spoofed(i), nowNs);
            if (first == SecureReject.COOKIE_NEEDED) {
                cookiesAsked++;
                assertThat(initiator.onDatagram(bobOut.takeLast(), BOB_ADDRESS, nowNs))
                        .isEqualTo(SecureReject.NONE);
                first = bobEnd.onDatagram(out.takeLast(), spoofed(i), nowNs);
            }
            assertThat(first)
                    .as("initiation %d", i + 1)
                    .isEqualTo(
                            i < SecureEndpoint.PENDING_HANDSHAKES_MAX ? SecureReject.NONE : SecureReject.PENDING_LIMIT);
        }
        assertThat(cookiesAsked).as("cookies asked once 128 wait").isEqualTo(initiators - SecureEndpoint.LOAD_PENDING);
        assertThat(bobEnd.pendingHandshakes()).isEqualTo(SecureEndpoint.PENDING_HANDSHAKES_MAX);
        assertThat(bobEnd.rejects(SecureReject.PENDING_LIMIT)).isEqualTo(76);

        long later = START_NS + initiators * 25_000_000L + SecureChannel.RESPONDER_TIMEOUT_NS;
        bobEnd.onTimer(later);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, later);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, later)).isEqualTo(SecureReject.NONE);
        assertThat(aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, later)).isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, later)).isEqualTo(SecureReject.NONE);
        assertThat(bobOut.established).hasSize(1);
    }

    private static InetSocketAddress spoofed(int i) throws java.net.UnknownHostException {
        byte[] address = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
        return new InetSocketAddress(java.net.InetAddress.getByAddress(address), 40_000);
    }

    @Test
    void shouldCreateNoStateWhenMac1IsWrong() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        initiation[HandshakeCodec.mac1Offset(initiation.length)] ^= 1;
        assertThat(bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.BAD_MAC1);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        assertThat(bobEnd.rejects(SecureReject.BAD_MAC1)).isEqualTo(1);
        assertThat(bobOut.sent).isEmpty();
    }

    @Test
    void shouldCompleteWithACookieWhenTheResponderIsUnderLoad() {
        bobEnd.underLoad(true);
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.COOKIE_NEEDED);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        byte[] cookieReply = bobOut.takeLast();
        assertThat(cookieReply).hasSize(CookieReplyCodec.LENGTH);
        assertThat(cookieReply[0]).isEqualTo(CookieReplyCodec.TYPE);

        assertThat(aliceEnd.onDatagram(cookieReply, BOB_ADDRESS, START_NS + 1)).isEqualTo(SecureReject.NONE);
        byte[] retry = aliceOut.takeLast();
        // The same reply again answers no outstanding initiation (its MAC1 is not the one now in flight).
        assertThat(aliceEnd.onDatagram(cookieReply, BOB_ADDRESS, START_NS + 1))
                .isEqualTo(SecureReject.COOKIE_REPLY_INVALID);

        // The cookie is bound to Alice's address: from elsewhere it earns only another cookie reply.
        assertThat(bobEnd.onDatagram(retry, OTHER_ADDRESS, START_NS + 2)).isEqualTo(SecureReject.COOKIE_NEEDED);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        bobOut.takeLast();

        assertThat(bobEnd.onDatagram(retry, ALICE_ADDRESS, START_NS + 2)).isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.pendingHandshakes()).isEqualTo(1);
        assertThat(aliceEnd.onDatagram(bobOut.takeLast(), BOB_ADDRESS, START_NS + 3))
                .isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS + 4))
                .isEqualTo(SecureReject.NONE);
        assertThat(bobOut.established).hasSize(1);
    }

    @Test
    void shouldRefuseACookieReplyWhenItDoesNotDecrypt() {
        bobEnd.underLoad(true);
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        bobEnd.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS);
        byte[] cookieReply = bobOut.takeLast();
        cookieReply[CookieReplyCodec.COOKIE_OFFSET] ^= 1;
        assertThat(aliceEnd.onDatagram(cookieReply, BOB_ADDRESS, START_NS))
                .isEqualTo(SecureReject.COOKIE_REPLY_INVALID);
        assertThat(aliceOut.sent).isEmpty();
    }

    @Test
    void shouldRefuseATransportPacketWhenItIsReplayed() {
        SecureSession aliceSession = handshake();
        byte[] packet = aliceSession.seal(bytes("once"), START_NS);
        assertThat(bobEnd.onDatagram(packet, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.onDatagram(packet, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.REPLAYED);
        packet = aliceSession.seal(bytes("twice"), START_NS);
        packet[packet.length - 1] ^= 1;
        assertThat(bobEnd.onDatagram(packet, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.BAD_TAG);
        packet[TransportCodec.RECEIVER_INDEX_OFFSET] ^= 1;
        assertThat(bobEnd.onDatagram(packet, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.UNKNOWN_RECEIVER_INDEX);
        assertThat(bobOut.received).hasSize(1);
    }

    @Test
    void shouldNotCreateASecondSessionWhenMessage1IsReplayed() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        assertThat(bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        byte[] response = bobOut.takeLast();
        // While pending: the same response again, and no new state.
        assertThat(bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.DUPLICATE_INITIATION);
        assertThat(bobOut.takeLast()).isEqualTo(response);
        assertThat(bobEnd.pendingHandshakes()).isEqualTo(1);

        assertThat(aliceEnd.onDatagram(response, BOB_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        byte[] finish = aliceOut.takeLast();
        assertThat(bobEnd.onDatagram(finish, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        assertThat(bobEnd.sessionCount()).isEqualTo(1);
        bobOut.takeLast(); // the keepalive that confirms message 3

        // After: neither message 1 nor message 3 again creates anything; message 3 again only repeats the keepalive,
        // to the session's own address, whoever sent the copy.
        assertThat(bobEnd.onDatagram(initiation, OTHER_ADDRESS, START_NS)).isEqualTo(SecureReject.DUPLICATE_INITIATION);
        assertThat(bobEnd.onDatagram(finish, OTHER_ADDRESS, START_NS)).isEqualTo(SecureReject.DUPLICATE_FINISH);
        assertThat(bobEnd.sessionCount()).isEqualTo(1);
        assertThat(bobEnd.pendingHandshakes()).isZero();
        assertThat(bobOut.sent).singleElement().satisfies(sent -> {
            assertThat(sent.recipient()).isEqualTo(ALICE_ADDRESS);
            assertThat(sent.datagram()[0]).isEqualTo(TransportCodec.TYPE);
        });
        assertThat(bobOut.established).hasSize(1);
    }

    @Test
    void shouldRetransmitEveryFiveSecondsAndGiveUpAfterNinetyWhenNoAnswerComes() {
        int dial = aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] first = aliceOut.takeLast();
        assertThat(aliceEnd.nextDeadlineNs()).isEqualTo(START_NS + SecureChannel.RETRANSMIT_AFTER_NS);
        aliceEnd.onTimer(START_NS + SecureChannel.RETRANSMIT_AFTER_NS - 1);
        assertThat(aliceOut.sent).isEmpty();
        long nowNs = START_NS;
        int sent = 0;
        while (aliceOut.failed.isEmpty()) {
            nowNs = aliceEnd.nextDeadlineNs();
            aliceEnd.onTimer(nowNs);
            sent = aliceOut.sent.size();
        }
        assertThat(nowNs).isEqualTo(START_NS + SecureChannel.GIVE_UP_AFTER_NS);
        assertThat(sent).isEqualTo(17);
        assertThat(aliceOut.sent.get(0).datagram()).isNotEqualTo(first);
        assertThat(HandshakeCodec.getInt(aliceOut.sent.get(0).datagram(), HandshakeCodec.SENDER_INDEX_OFFSET))
                .isEqualTo(dial);
        assertThat(aliceOut.failed)
                .containsExactly(new RecordingOutbox.Failed(dial, bob.nodeId(), SecureReject.HANDSHAKE_TIMEOUT));
        assertThat(aliceEnd.pendingHandshakes()).isZero();
        assertThat(aliceEnd.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldAnswerAnUnknownDiallerOnlyWhenConfiguredAndNotUnderLoad() {
        aliceEnd.initiate(ExpectedPeer.anyone(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        assertThat(bobEnd.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.UNKNOWN_PEER_REFUSED);

        RecordingOutbox openOut = new RecordingOutbox();
        SecureEndpoint open = new SecureEndpoint(bob, true, random, openOut);
        open.underLoad(true);
        assertThat(open.onDatagram(initiation, ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.UNKNOWN_PEER_UNDER_LOAD);
        assertThat(openOut.sent).isEmpty();
        open.underLoad(false);
        assertThat(open.onDatagram(initiation, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.NONE);
        assertThat(aliceEnd.onDatagram(openOut.takeLast(), BOB_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(open.onDatagram(aliceOut.takeLast(), ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.NONE);
        assertThat(aliceOut.established.get(0).peer()).isEqualTo(bob.nodeId());
        assertThat(openOut.established.get(0).peer()).isEqualTo(alice.nodeId());
    }

    @Test
    void shouldRejectStructurallyWhenLengthReservedOrTypeIsWrong() {
        aliceEnd.initiate(bobExpected(), BOB_ADDRESS, START_NS);
        byte[] initiation = aliceOut.takeLast();
        byte[] shorter = java.util.Arrays.copyOf(initiation, initiation.length - 1);
        assertThat(bobEnd.onDatagram(shorter, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.PACKET_LENGTH);
        byte[] longer = java.util.Arrays.copyOf(initiation, initiation.length + 1);
        assertThat(bobEnd.onDatagram(longer, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.PACKET_LENGTH);
        byte[] reserved = initiation.clone();
        reserved[HandshakeCodec.RESERVED_OFFSET + 2] = 1;
        assertThat(bobEnd.onDatagram(reserved, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.PACKET_RESERVED);
        assertThat(bobEnd.onDatagram(new byte[0], ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.PACKET_TYPE);
        assertThat(bobEnd.onDatagram(new byte[] {(byte) 0xE6}, ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.PACKET_TYPE);
        assertThat(bobEnd.onDatagram(new byte[TransportCodec.LENGTH_MIN - 1], ALICE_ADDRESS, START_NS))
                .isEqualTo(SecureReject.PACKET_TYPE);
        byte[] transport = new byte[TransportCodec.LENGTH_MIN - 1];
        transport[0] = TransportCodec.TYPE;
        assertThat(bobEnd.onDatagram(transport, ALICE_ADDRESS, START_NS)).isEqualTo(SecureReject.PACKET_LENGTH);
        assertThat(SecureEndpoint.handles((byte) 0xE0)).isFalse();
        assertThat(SecureEndpoint.handles((byte) 0xE1)).isTrue();
        assertThat(SecureEndpoint.handles((byte) 0xE5)).isTrue();
        assertThat(SecureEndpoint.handles((byte) 0xE6)).isFalse();
    }

    private static void assertEveryFlipRefused(
            SecureEndpoint receiver, byte[] message, int bits, InetSocketAddress from) {
        for (int bit = 0; bit < bits; bit++) {
            assertThat(receiver.onDatagram(flip(message, bit), from, START_NS))
                    .as("bit %d", bit)
                    .isNotEqualTo(SecureReject.NONE);
        }
    }

    private static byte[] flip(byte[] message, int bit) {
        byte[] copy = message.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
