package io.elara.node.wire;

import io.elara.crypto.identity.NodeId;
import io.elara.crypto.sign.EventProof;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * EVENT frame body: one application event on the reliable lane; the SIGNAL frame (the signal lane) has the same body.
 * Big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence (32)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Event Id (128)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Session Id (128)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Author, Ed25519 public key (256)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Hybrid Logical Clock (64)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Counter (32)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Kind      |  Name Length  |          Text Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Author Name (Name Length bytes, UTF-8)  ...        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Text (Text Length bytes, UTF-8)  ...           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Proof Index  |  Proof Count  |  Path Hashes  |               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+               +
 * |        Audit Path (32 × Path Hashes bytes) ...                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Batch Signature (512, absent when Proof Count is 0)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The <em>signed bytes</em> of an event are the body from Event Id to the end of Text ({@link #signedBytes}); the
 * proof ({@link EventProof}) shows that the author signed them as one event of a batch. A Proof Count of 0 (three zero
 * bytes and nothing more) marks an unsigned event, which only a build with protection off sends and a protected node
 * rejects.
 *
 * <p>The frame length must equal 84 + Name Length + Text Length + the proof's length; anything else makes the packet
 * invalid. A frame that is well formed but whose content is bad (unknown kind, invalid UTF-8) still consumes its
 * sequence number, so one bad event cannot stall the lane behind it.
 */
public final class EventFrameCodec {
    public static final int SEQUENCE_OFFSET = 0;
    public static final int EVENT_ID_OFFSET = 4;
    public static final int SESSION_ID_OFFSET = 20;
    public static final int AUTHOR_OFFSET = 36;
    public static final int HLC_OFFSET = 68;
    public static final int COUNTER_OFFSET = 76;
    public static final int KIND_OFFSET = 80;
    public static final int NAME_LENGTH_OFFSET = 81;
    public static final int TEXT_LENGTH_OFFSET = 82;
    public static final int FIXED_LENGTH = 84;
    /** The proof of an unsigned event: index, count and path length all zero. */
    public static final int UNSIGNED_PROOF_LENGTH = 3;
    /** The longest proof. */
    public static final int PROOF_LENGTH_MAX = EventProof.ENCODED_LENGTH_MAX;

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] authorScratch = new byte[NodeId.LENGTH];

    private long sequence;
    private Event event;

    /** Checks that the body's declared lengths add up; never throws. */
    public static RejectReason checkStructure(ByteBuf buffer, int offset, int length) {
        if (length < FIXED_LENGTH) {
            return RejectReason.FRAME_MALFORMED;
        }
        int nameLength = buffer.getUnsignedByte(offset + NAME_LENGTH_OFFSET);
        int textLength = buffer.getUnsignedShort(offset + TEXT_LENGTH_OFFSET);
        int proof = FIXED_LENGTH + nameLength + textLength;
        if (proof + UNSIGNED_PROOF_LENGTH > length) {
            return RejectReason.FRAME_MALFORMED;
        }
        int proofLength = proofLength(buffer, offset + proof);
        if (proofLength < 0 || proof + proofLength != length) {
            return RejectReason.FRAME_MALFORMED;
        }
        return RejectReason.NONE;
    }

    /** The length of the proof whose first byte is at {@code index}, 3 readable bytes at least; -1 if malformed. */
    private static int proofLength(ByteBuf buffer, int index) {
        int proofIndex = buffer.getUnsignedByte(index);
        int count = buffer.getUnsignedByte(index + 1);
        int hashes = buffer.getUnsignedByte(index + 2);
        if (count == 0) {
            return proofIndex == 0 && hashes == 0 ? UNSIGNED_PROOF_LENGTH : -1;
        }
        return EventProof.encodedLength(proofIndex, count, hashes);
    }

    /**
     * Decodes a body that passed {@link #checkStructure}. On {@link RejectReason#NONE}, {@link #event()} holds the
     * event; on any other reason the content was bad, but {@link #sequence()} is still valid.
     */
    public RejectReason decode(ByteBuf buffer, int offset) {
        sequence = buffer.getUnsignedInt(offset + SEQUENCE_OFFSET);
        event = null;
        EventKind kind = EventKind.fromCode(buffer.getUnsignedByte(offset + KIND_OFFSET));
        if (kind == null) {
            return RejectReason.EVENT_KIND;
        }
        int nameLength = buffer.getUnsignedByte(offset + NAME_LENGTH_OFFSET);
        int textLength = buffer.getUnsignedShort(offset + TEXT_LENGTH_OFFSET);
        String name = utf8(buffer, offset + FIXED_LENGTH, nameLength);
        String text = utf8(buffer, offset + FIXED_LENGTH + nameLength, textLength);
        if (name == null || text == null) {
            return RejectReason.TEXT_NOT_UTF8;
        }
        buffer.getBytes(offset + AUTHOR_OFFSET, authorScratch);
        int proofOffset = offset + FIXED_LENGTH + nameLength + textLength;
        EventProof proof = null;
        if (buffer.getUnsignedByte(proofOffset + 1) != 0) {
            // checkStructure has seen a well-formed proof of exactly the rest of the frame
            proof = EventProof.decode(buffer.nioBuffer(proofOffset, proofLength(buffer, proofOffset)));
        }
        event = new Event(
                new EventId(buffer.getLong(offset + EVENT_ID_OFFSET), buffer.getLong(offset + EVENT_ID_OFFSET + 8)),
                new SessionId(
                        buffer.getLong(offset + SESSION_ID_OFFSET), buffer.getLong(offset + SESSION_ID_OFFSET + 8)),
                NodeId.of(authorScratch),
                name,
                buffer.getLong(offset + HLC_OFFSET),
                buffer.getUnsignedInt(offset + COUNTER_OFFSET),
                kind,
                text,
                proof);
        return RejectReason.NONE;
    }

    public long sequence() {
        return sequence;
    }

    public Event event() {
        return event;
    }

    private String utf8(ByteBuf buffer, int index, int length) {
        if (length == 0) {
            return "";
        }
        ByteBuffer bytes = buffer.nioBuffer(index, length);
        try {
            return utf8.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Bytes a whole EVENT frame (header and body) for {@code event} takes. */
    public static int frameLength(Event event) {
        return FrameType.HEADER_LENGTH
                + FIXED_LENGTH
                + ByteBufUtil.utf8Bytes(event.authorName())
                + ByteBufUtil.utf8Bytes(event.text())
                + proofLength(event);
    }

    private static int proofLength(Event event) {
        return event.proof() == null ? UNSIGNED_PROOF_LENGTH : event.proof().encodedLength();
    }

    /**
     * What the author signs: the body from Event Id to the end of Text, exactly as {@link #encode} writes it.
     *
     * @throws IllegalArgumentException when the name or text is too long for the frame format
     */
    public static byte[] signedBytes(Event event) {
        byte[] name = event.authorName().getBytes(StandardCharsets.UTF_8);
        byte[] text = event.text().getBytes(StandardCharsets.UTF_8);
        // An event too long for one EVENT frame is sent in fragments; only the body's own length fields bound it.
        if (name.length > 255 || text.length > 0xFFFF) {
            throw new IllegalArgumentException("name or text too long for an EVENT body");
        }
        ByteBuffer out = ByteBuffer.allocate(FIXED_LENGTH - EVENT_ID_OFFSET + name.length + text.length);
        out.putLong(event.id().high()).putLong(event.id().low());
        out.putLong(event.session().high()).putLong(event.session().low());
        byte[] author = new byte[NodeId.LENGTH];
        event.author().copyTo(author, 0);
        out.put(author);
        out.putLong(event.hlc());
        out.putInt((int) event.counter());
        out.put((byte) event.kind().code());
        out.put((byte) name.length);
        out.putShort((short) text.length);
        out.put(name).put(text);
        return out.array();
    }

    private static void checkLengths(int nameLength, int textLength) {
        if (nameLength > 255 || FIXED_LENGTH + nameLength + textLength + PROOF_LENGTH_MAX > 0xFFFF) {
            throw new IllegalArgumentException("name or text too long for an EVENT frame");
        }
    }

    /** The longest EVENT body an event with at most {@code textBytesMax} bytes of text can have (proof included). */
    public static int bodyLengthMax(int textBytesMax) {
        return FIXED_LENGTH + 255 + textBytesMax + PROOF_LENGTH_MAX;
    }

    /**
     * The EVENT body of {@code event}, with Sequence 0, as FRAGMENT frames carry it: an event too long for a packet is
     * encoded once, and its fragments are slices of these bytes. Allocates the body (once per large event).
     *
     * @throws IllegalArgumentException when the name is longer than 255 bytes or the text than 65,535
     */
    public static byte[] encodeBody(Event event) {
        int nameLength = ByteBufUtil.utf8Bytes(event.authorName());
        int textLength = ByteBufUtil.utf8Bytes(event.text());
        if (nameLength > 255 || textLength > 0xFFFF) {
            throw new IllegalArgumentException("name or text too long for an EVENT body");
        }
        int length = FIXED_LENGTH + nameLength + textLength + proofLength(event);
        ByteBuf out = io.netty.buffer.Unpooled.wrappedBuffer(new byte[length]);
        out.writerIndex(0);
        writeBody(out, 0, event, nameLength, textLength, new byte[NodeId.LENGTH]);
        assert out.writerIndex() == length : "body length";
        return out.array();
    }

    /**
     * Writes a whole EVENT frame at the writer index. Uses this codec's scratch space: one codec per thread.
     *
     * @throws IllegalArgumentException when the name or text is too long for the frame format; callers validate first
     */
    public void encode(ByteBuf out, long sequence, Event event) {
        encode(out, FrameType.EVENT, sequence, event);
    }

    /**
     * Like {@link #encode(ByteBuf, long, Event)} with frame type {@code frameType}: {@link FrameType#EVENT} for the
     * reliable lane, {@link FrameType#SIGNAL} for the signal lane, which share this layout.
     */
    public void encode(ByteBuf out, int frameType, long sequence, Event event) {
        if (frameType != FrameType.EVENT && frameType != FrameType.SIGNAL) {
            throw new IllegalArgumentException("frame type " + frameType + " has another layout");
        }
        int nameLength = ByteBufUtil.utf8Bytes(event.authorName());
        int textLength = ByteBufUtil.utf8Bytes(event.text());
        checkLengths(nameLength, textLength);
        out.writeByte(frameType);
        out.writeShort(FIXED_LENGTH + nameLength + textLength + proofLength(event));
        writeBody(out, sequence, event, nameLength, textLength, authorScratch);
    }

    private static void writeBody(
            ByteBuf out, long sequence, Event event, int nameLength, int textLength, byte[] authorScratch) {
        out.writeInt((int) sequence);
        out.writeLong(event.id().high()).writeLong(event.id().low());
        out.writeLong(event.session().high()).writeLong(event.session().low());
        event.author().copyTo(authorScratch, 0);
        out.writeBytes(authorScratch);
        out.writeLong(event.hlc());
        out.writeInt((int) event.counter());
        out.writeByte(event.kind().code());
        out.writeByte(nameLength);
        out.writeShort(textLength);
        ByteBufUtil.reserveAndWriteUtf8(out, event.authorName(), nameLength);
        ByteBufUtil.reserveAndWriteUtf8(out, event.text(), textLength);
        EventProof proof = event.proof();
        if (proof == null) {
            out.writeZero(UNSIGNED_PROOF_LENGTH);
        } else {
            int at = out.writerIndex();
            out.ensureWritable(proof.encodedLength());
            proof.encode(out.nioBuffer(at, proof.encodedLength()));
            out.writerIndex(at + proof.encodedLength());
        }
    }
}
