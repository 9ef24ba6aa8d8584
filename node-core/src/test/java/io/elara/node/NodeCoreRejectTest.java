package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.EventProof;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.config.Limits;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.lane.Epoch;
import io.elara.node.lane.LatencyFirstReceiver;
import io.elara.node.lane.MediaSendResult;
import io.elara.node.lane.TrafficClass;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.FrameType;
import io.elara.node.wire.MediaFrameFlyweight;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.elara.node.wire.PongFrameFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every reject reason, produced by the input that should produce it, at a node that then keeps working: after each
 * bad input, a good message from a configured peer still arrives.
 *
 * <p>Frame-layer reasons are produced with plaintext packets at cores built without protection (a stranger's packets
 * reach the frame decoders there); the reasons of the protection itself at protected cores, by a plaintext packet, an
 * impostor at a configured peer's address, and a member whose lane carries an unsigned or forged event.
 */
class NodeCoreRejectTest {
    private static final long EPOCH = Epoch.first(77);
    private static final InetSocketAddress STRANGER = CoreNetwork.address(7100);
    private static final Set<RejectReason> PROTECTED = EnumSet.of(
            RejectReason.PACKET_UNPROTECTED,
            RejectReason.PEER_IDENTITY_MISMATCH,
            RejectReason.MIGRATION_REFUSED,
            RejectReason.SIGNATURE_MISSING,
            RejectReason.SIGNATURE_INVALID,
            RejectReason.NOT_MEMBER,
            RejectReason.MEDIA_NOT_MEMBER,
            RejectReason.SESSION_CONTROL);

    /** The least reassembly memory a node with 1,024-byte texts accepts: room for two whole events. */
    private static final long REASSEMBLY_MAX = 2L * EventFrameCodec.bodyLengthMax(1024);

    private CoreNetwork network;
    private Member target;
    private Member friend;
    private final EventFrameCodec codec = new EventFrameCodec();
    private final Map<RejectReason, Runnable> cases = new EnumMap<>(RejectReason.class);

    private void setUp(boolean protect) {
        network = new CoreNetwork(5, protect);
        String friendId = CoreNetwork.identityFor(7002).nodeId().toString();
        target = network.add(
                "target",
                7001,
                b -> b.peer("friend", "127.0.0.1:7002", protect ? friendId : null, null)
                        .session("lobby", "friend")
                        .limits(new Limits(2, 100, 1024, 30_000, 4, 4096, REASSEMBLY_MAX, REASSEMBLY_MAX)));
        friend = network.add(
                "friend", 7002, b -> b.peer("target", "127.0.0.1:7001").session("lobby", "target"));
    }

    NodeCoreRejectTest() {
        cases.put(
                RejectReason.PACKET_UNPROTECTED,
                () -> raw(bytes(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0))));
        cases.put(RejectReason.MIGRATION_REFUSED, () -> {
            // A stranger talks to the target from one address and leaves it (its entry, with its session, stays); the
            // friend's NAT then rebinds to that very address. The friend's packets authenticate from there, but the
            // stranger's entry holds it: the friend is not moved (counted once), and its packets are still read.
            CompletableFuture<SendResult> first =
                    friend.core.sendText(SendTarget.session("lobby"), "first", network.clock.nowNs());
            network.runUntil(first::isDone, java.time.Duration.ofSeconds(30), "the friend's first message");
            Member stranger = network.add("stranger", 7003, b -> b);
            CompletableFuture<SendResult> hello =
                    stranger.core.sendText(SendTarget.peer("127.0.0.1:7001"), "hello", network.clock.nowNs());
            network.runUntil(hello::isDone, java.time.Duration.ofSeconds(30), "the stranger's hello");
            network.rebind(stranger, 7203);
            network.rebind(friend, 7003);
            CompletableFuture<SendResult> moved =
                    friend.core.sendText(SendTarget.session("lobby"), "moved", network.clock.nowNs());
            network.runUntil(moved::isDone, java.time.Duration.ofSeconds(30), "the friend's message from 7003");
            target.delivered.clear();
        });
        cases.put(RejectReason.PEER_IDENTITY_MISMATCH, () -> {
            // Another key at the friend's address: its handshake completes, the session is closed at once.
            friend.identity = CoreNetwork.identityFor(9_999);
            friend.start(9_999);
            CompletableFuture<SendResult> claim =
                    friend.core.sendText(SendTarget.session("lobby"), "it is me, honest", network.clock.nowNs());
            network.runFor(java.time.Duration.ofSeconds(3));
            assertThat(claim).as("the impostor's message is never acknowledged").isNotDone();
            friend.identity = CoreNetwork.identityFor(7002);
            friend.start(7002);
        });
        cases.put(RejectReason.SIGNATURE_MISSING, () -> fromForger(forger -> event("unsigned")));
        cases.put(
                RejectReason.SIGNATURE_INVALID,
                () -> fromForger(forger -> {
                    // Claims the friend as author, signed with the forger's own key.
                    Event claimed = event("forged");
                    EventProof proof =
                            BatchSigner.sign(forger.identity, List.of(EventFrameCodec.signedBytes(claimed)))[0];
                    return claimed.withProof(proof);
                }));
        cases.put(RejectReason.NOT_MEMBER, () -> {
            // A session the target created: a stranger's event for it, properly signed by the stranger, is refused.
            SessionId team = createdSession();
            fromForger(forger -> signed(
                    forger,
                    new Event(
                            new EventId(5, 6),
                            team,
                            forger.identity.nodeId(),
                            "forger",
                            Hlc.pack(network.clock.nowMs(), 0),
                            EventKind.TEXT,
                            "let me in")));
        });
        cases.put(
                RejectReason.SESSION_CONTROL,
                () -> fromForger(forger -> signed(
                        forger,
                        new Event(
                                new EventId(7, 8),
                                SessionId.DIRECT,
                                forger.identity.nodeId(),
                                "forger",
                                Hlc.pack(network.clock.nowMs(), 0),
                                EventKind.SESSION,
                                "welcome to nothing"))));
        cases.put(RejectReason.UNKNOWN_PROTOCOL, () -> raw(0x40, 1, 2, 3)); // TURN channel range
        cases.put(RejectReason.STUN_MALFORMED, () -> raw(0x00, 0x01, 0x00, 0x00));
        cases.put(RejectReason.STUN_UNEXPECTED, () -> {
            // A Binding success response this node never asked for.
            byte[] response = stunBindingRequest();
            response[1] = 0x01;
            response[0] = 0x01;
            raw(response);
        });
        cases.put(RejectReason.STUN_RATE_LIMITED, () -> {
            // One source's burst is answered; the request after it is not.
            for (int i = 0; i <= 20; i++) {
                raw(stunBindingRequest());
            }
        });
        cases.put(RejectReason.PACKET_TOO_SHORT, () -> raw(0xE0, 0x00, 0x00));
        cases.put(RejectReason.PACKET_TOO_LONG, () -> {
            byte[] big = new byte[PacketHeaderFlyweight.PACKET_LENGTH_MAX + 1];
            big[0] = (byte) 0xE0;
            raw(big);
        });
        cases.put(RejectReason.PACKET_VERSION, () -> mutated(PacketHeaderFlyweight.VERSION_OFFSET, 1));
        cases.put(RejectReason.PACKET_TYPE, () -> mutated(PacketHeaderFlyweight.TYPE_OFFSET, 0xE3));
        cases.put(RejectReason.PACKET_RESERVED, () -> mutated(PacketHeaderFlyweight.RESERVED_OFFSET + 1, 1));
        cases.put(RejectReason.FRAME_TRUNCATED, () -> packet(EPOCH, out -> out.writeByte(FrameType.EVENT)));
        cases.put(
                RejectReason.FRAME_TYPE,
                () -> packet(EPOCH, out -> out.writeByte(0x33).writeShort(0)));
        cases.put(
                RejectReason.FRAME_MALFORMED,
                () -> packet(EPOCH, out -> out.writeByte(FrameType.ACK).writeShort(0)));
        cases.put(
                RejectReason.EVENT_KIND,
                () -> packet(EPOCH, out -> {
                    codec.encode(out, 0, event("hi"));
                    out.setByte(
                            FrameType.HEADER_LENGTH + PacketHeaderFlyweight.HEADER_LENGTH + EventFrameCodec.KIND_OFFSET,
                            7);
                }));
        cases.put(
                RejectReason.TEXT_NOT_UTF8,
                () -> packet(EPOCH, out -> {
                    codec.encode(out, 0, event("hi"));
                    out.setByte(out.writerIndex() - 1 - EventFrameCodec.UNSIGNED_PROOF_LENGTH, 0xFF);
                }));
        cases.put(RejectReason.STALE_EPOCH, () -> {
            packet(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0));
            packet(Epoch.next(EPOCH), out -> AckFrameFlyweight.encode(out, 0, 0, 0));
            packet(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0));
        });
        cases.put(RejectReason.OUT_OF_WINDOW, () -> packet(EPOCH, out -> codec.encode(out, 256, event("far"))));
        cases.put(RejectReason.PEER_LIMIT, () -> {
            // The table holds 2: the configured friend and one stranger; a third address finds no room.
            packet(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0));
            inject(CoreNetwork.address(7101), bytes(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0)));
        });
        cases.put(
                RejectReason.PONG_UNEXPECTED,
                () -> packet(EPOCH, out -> PongFrameFlyweight.encode(out, 99, 1, 2, 3))); // no PING was sent
        cases.put(
                RejectReason.MEDIA_CLASS,
                () -> packet(EPOCH, out -> mediaFrame(out, 1, 0, 1_000, TrafficClass.CORE.code(), 0)));
        cases.put(
                RejectReason.MEDIA_FLAGS,
                () -> packet(EPOCH, out -> mediaFrame(out, 1, 0, 1_000, TrafficClass.PERCEPTUAL.code(), 0x01)));
        cases.put(
                RejectReason.MEDIA_STALE,
                () -> packet(EPOCH, out -> {
                    mediaFrame(out, 1, 5, 1_000_000, TrafficClass.PERCEPTUAL.code(), 0);
                    mediaFrame(out, 1, 5, 1_000_000, TrafficClass.PERCEPTUAL.code(), 0); // a duplicate
                }));
        cases.put(
                RejectReason.MEDIA_LATE,
                () -> packet(EPOCH, out -> mediaFrame(out, 1, 0, 0, TrafficClass.PERCEPTUAL.code(), 0)));
        cases.put(
                RejectReason.MEDIA_STREAM_LIMIT,
                () -> packet(EPOCH, out -> {
                    for (int stream = 0; stream <= LatencyFirstReceiver.STREAMS_MAX; stream++) {
                        mediaFrame(out, stream, 0, 1_000_000, TrafficClass.COSMETIC.code(), 0);
                    }
                }));
        cases.put(RejectReason.MEDIA_NOT_MEMBER, () -> {
            // A node in no config and no session completes a handshake (its direct message is welcome) and sends a
            // voice frame: no media listener of the target hears it.
            List<Integer> heard = new java.util.ArrayList<>();
            target.core.subscribeMedia((peer, stream, sequence, cls, buffer, offset, length) -> heard.add(stream));
            Member stranger = network.add("stranger", 7003, b -> b.peer("target", "127.0.0.1:7001"));
            CompletableFuture<SendResult> hello =
                    stranger.core.sendText(SendTarget.peer("target"), "hello", network.clock.nowNs());
            network.runUntil(hello::isDone, java.time.Duration.ofSeconds(30), "the stranger's hello");
            ByteBuf voice = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
            try {
                assertThat(stranger.core.sendMedia(
                                "target", 1, TrafficClass.PERCEPTUAL, voice, 1_000_000, network.clock.nowNs()))
                        .isEqualTo(MediaSendResult.QUEUED);
            } finally {
                voice.release();
            }
            network.runFor(java.time.Duration.ofSeconds(1));
            assertThat(heard).isEmpty();
            target.delivered.clear();
        });
        // A fragment that continues no event: nothing is in progress.
        cases.put(
                RejectReason.FRAGMENT_MALFORMED,
                () -> packet(EPOCH, out -> FragmentFrameFlyweight.encode(out, 0, new byte[200], 100, 50)));
        // The first fragment of an event longer than any this node accepts.
        cases.put(
                RejectReason.FRAGMENT_LENGTH,
                () -> packet(EPOCH, out -> FragmentFrameFlyweight.encode(out, 0, new byte[5000], 0, 100)));
        // Out of order, a fragment takes 100 bytes; a first fragment then would take a whole event's worth, past what
        // out-of-order fragments may hold (the per-peer limit less one event).
        cases.put(
                RejectReason.REASSEMBLY_LIMIT,
                () -> packet(EPOCH, out -> {
                    int bodyMax = EventFrameCodec.bodyLengthMax(1024);
                    FragmentFrameFlyweight.encode(out, 1, new byte[bodyMax], 100, 100);
                    FragmentFrameFlyweight.encode(out, 2, new byte[bodyMax], 0, 100);
                }));
        cases.put(RejectReason.NAME_INVALID, () -> eventFrom(withName("a\nb")));
        cases.put(RejectReason.TEXT_EMPTY, () -> eventFrom(event("")));
        cases.put(RejectReason.TEXT_TOO_LONG, () -> eventFrom(event("x".repeat(1025))));
        cases.put(
                RejectReason.SIGNAL_TOO_LONG,
                () -> packet(EPOCH, out -> {
                    // On the signal lane, in a SIGNAL frame, as a signal would come: 257 bytes is one too many.
                    Event text = event("x".repeat(Event.SIGNAL_BYTES_MAX + 1));
                    Event signal = new Event(
                            text.id(),
                            text.session(),
                            text.author(),
                            text.authorName(),
                            text.hlc(),
                            EventKind.SIGNAL,
                            text.text());
                    codec.encode(out, FrameType.SIGNAL, 0, signal);
                }));
        cases.put(RejectReason.STORE_FAILED, () -> {
            // The target's disk is full: a well-formed event cannot be stored, so it is neither shown nor acknowledged
            // as stored. Once the disk has room again, events are stored and shown as before.
            ManualJournal journal = new ManualJournal();
            journal.fail("the disk is full");
            target.core.journal(journal);
            eventFrom(event("not stored"));
            journal.fail(null);
            journal.autoCommit(network.clock::nowNs);
        });
        cases.put(RejectReason.TEXT_CONTROL, () -> eventFrom(event("bell\u0007")));
        cases.put(RejectReason.STATE_INVALID, () -> {
            Event text = event("presence: away");
            eventFrom(new Event(
                    text.id(),
                    text.session(),
                    text.author(),
                    text.authorName(),
                    text.hlc(),
                    1,
                    EventKind.STATE,
                    "presence: away"));
        });
        cases.put(
                RejectReason.HLC_FUTURE,
                () -> eventFrom(new Event(
                        new EventId(3, 4),
                        SessionId.forName("lobby"),
                        friend.identity.nodeId(),
                        "friend",
                        Hlc.pack(network.clock.nowMs() + 61_000, 0),
                        EventKind.TEXT,
                        "from the future")));
        cases.put(
                RejectReason.UNKNOWN_SESSION,
                () -> eventFrom(new Event(
                        new EventId(1, 2),
                        SessionId.forName("elsewhere"),
                        friend.identity.nodeId(),
                        "friend",
                        Hlc.pack(network.clock.nowMs(), 0),
                        EventKind.TEXT,
                        "wrong room")));
        cases.put(RejectReason.DUPLICATE, () -> {
            Event once = event("twice");
            packet(EPOCH, out -> {
                codec.encode(out, 0, once);
                codec.encode(out, 1, once);
            });
        });
    }

    /** A MEDIA frame with an empty payload, written field by field so that any field may be wrong. */
    private static void mediaFrame(
            ByteBuf out, int streamId, int sequence, long ageBudgetUs, int classCode, int flags) {
        out.writeByte(FrameType.MEDIA).writeShort(MediaFrameFlyweight.FIXED_LENGTH);
        out.writeInt(streamId)
                .writeInt(sequence)
                .writeInt((int) ageBudgetUs)
                .writeByte(classCode)
                .writeByte(flags);
    }

    @Test
    void shouldHaveACaseForEveryRejectReason() {
        EnumSet<RejectReason> expected = EnumSet.allOf(RejectReason.class);
        expected.remove(RejectReason.NONE);
        assertThat(cases.keySet()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RejectReason.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void shouldCountExactlyThisReasonAndKeepWorking(RejectReason reason) {
        setUp(PROTECTED.contains(reason));
        cases.get(reason).run();

        assertThat(target.core.rejects().get(reason)).as("count for " + reason).isEqualTo(1);
        assertThat(target.core.rejects().total()).as("all rejects").isEqualTo(1);
        // A duplicate is the second copy of an event whose first copy was delivered; nothing else gets through.
        assertThat(target.texts()).isEqualTo(reason == RejectReason.DUPLICATE ? List.of("friend: twice") : List.of());
        target.delivered.clear();

        CompletableFuture<SendResult> good =
                friend.core.sendText(SendTarget.session("lobby"), "still here?", network.clock.nowNs());
        network.runUntil(good::isDone, java.time.Duration.ofSeconds(30), "a good message after " + reason);
        assertThat(target.texts()).containsExactly("friend: still here?");
    }

    /** {@code event} with its author's proof. */
    private static Event signed(Member author, Event event) {
        return event.withProof(BatchSigner.sign(author.identity, List.of(EventFrameCodec.signedBytes(event)))[0]);
    }

    /** Has the target create session "team" and returns its id. */
    private SessionId createdSession() {
        try {
            return target.core.createSession("team", network.clock.nowNs());
        } catch (SendException e) {
            throw new IllegalStateException(e);
        }
    }

    private Event event(String text) {
        return new Event(
                new EventId(text.hashCode(), 42),
                SessionId.forName("lobby"),
                friend.identity.nodeId(),
                "friend",
                Hlc.pack(network.clock.nowMs(), 0),
                EventKind.TEXT,
                text);
    }

    private Event withName(String name) {
        Event event = event("hi");
        return new Event(event.id(), event.session(), event.author(), name, event.hlc(), event.kind(), event.text());
    }

    /** A third, protected node that the target admits as a stranger, sends {@code forge}'s event on its real lane. */
    private void fromForger(java.util.function.Function<Member, Event> forge) {
        Member forger = network.add("forger", 7003, b -> b);
        Event event = forge.apply(forger);
        CompletableFuture<SendResult> sent = forger.core.sendAsIs(target.address, event, network.clock.nowNs());
        network.runUntil(sent::isDone, java.time.Duration.ofSeconds(30), "the forger's event acknowledged");
    }

    private void eventFrom(Event event) {
        packet(EPOCH, out -> codec.encode(out, 0, event));
    }

    private void packet(long epoch, Consumer<ByteBuf> frames) {
        inject(STRANGER, bytes(epoch, frames));
    }

    private static byte[] bytes(long epoch, Consumer<ByteBuf> frames) {
        ByteBuf out = Unpooled.buffer();
        try {
            PacketHeaderFlyweight.encode(out, epoch);
            frames.accept(out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    private void mutated(int offset, int value) {
        byte[] bytes = bytes(EPOCH, out -> AckFrameFlyweight.encode(out, 0, 0, 0));
        bytes[offset] = (byte) value;
        inject(STRANGER, bytes);
    }

    private void raw(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        raw(bytes);
    }

    private void raw(byte[] bytes) {
        inject(STRANGER, bytes);
    }

    private void inject(InetSocketAddress from, byte[] bytes) {
        network.inject(from, target.address, bytes);
        network.step();
    }

    private static byte[] stunBindingRequest() {
        // RFC 8489: type 0x0001 (Binding request), length 0, magic cookie, 12-byte transaction id.
        byte[] request = new byte[20];
        request[1] = 0x01;
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = (byte) 0xA4;
        request[7] = 0x42;
        return request;
    }

    @Test
    void shouldNotAnswerOrAllocateForGarbage() {
        setUp(false);
        for (RejectReason reason :
                List.of(RejectReason.UNKNOWN_PROTOCOL, RejectReason.STUN_MALFORMED, RejectReason.STUN_UNEXPECTED)) {
            cases.get(reason).run();
        }
        NodeStatus status = target.core.status(network.clock.nowNs());
        assertThat(status.counters().datagramsOut()).isZero();
        assertThat(target.core.stunAnswered()).isZero();
        assertThat(status.peers()).extracting(NodeStatus.PeerStatus::name).containsExactly("friend");
    }

    @Test
    void shouldAnswerAStunBindingRequestOnItsPortWithoutTakingThePeerIn() {
        // Goal: every node is a STUN server for the others on the port it talks Elara on. Method: a Binding request
        // from a stranger gets a response, to the stranger, naming the stranger's address; no peer is made for it.
        setUp(false);
        java.util.List<byte[]> toStranger = new java.util.ArrayList<>();
        network.wiretap = (recipient, bytes) -> {
            if (recipient.equals(STRANGER)) {
                toStranger.add(bytes);
            }
        };
        raw(stunBindingRequest());
        network.runFor(java.time.Duration.ofMillis(10));
        assertThat(target.core.stunAnswered()).isEqualTo(1);
        assertThat(toStranger).hasSize(1);
        io.elara.stun.codec.StunMessage response =
                io.elara.stun.codec.StunMessage.decode(toStranger.get(0)).message();
        assertThat(response.address(io.elara.stun.codec.StunAttributes.XOR_MAPPED_ADDRESS))
                .isEqualTo(STRANGER);
        assertThat(target.core.rejects().total()).isZero();
        assertThat(target.core.status(network.clock.nowNs()).peers())
                .extracting(NodeStatus.PeerStatus::name)
                .containsExactly("friend");
    }
}
