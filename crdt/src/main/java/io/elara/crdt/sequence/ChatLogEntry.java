package io.elara.crdt.sequence;

import io.elara.crdt.clock.Dot;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One chat log entry: its author's replica id, the author's sequence number for it (from 1; the pair is the entry's
 * {@link #id() dot}), the HLC at which it was written, and the payload. The payload array is copied in and out, so
 * the record stays immutable.
 */
@SuppressWarnings("ArrayRecordComponent") // Copied in and out; equals and hashCode compare contents.
public record ChatLogEntry(long author, long sequence, long hlc, byte[] payload) {
    /** Log order: HLC (unsigned), then author, then sequence. */
    public static final Comparator<ChatLogEntry> ORDER = (left, right) -> {
        int byTime = Long.compareUnsigned(left.hlc, right.hlc);
        if (byTime != 0) {
            return byTime;
        }
        int byAuthor = Long.compare(left.author, right.author);
        return byAuthor != 0 ? byAuthor : Long.compare(left.sequence, right.sequence);
    };

    public ChatLogEntry {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1: " + sequence);
        }
        if (payload.length > ChatLog.PAYLOAD_LENGTH_MAX) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the bound");
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload length without copying. */
    public int payloadLength() {
        return payload.length;
    }

    /** The entry's identity: (author, sequence). */
    public Dot id() {
        return new Dot(author, sequence);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChatLogEntry entry
                && author == entry.author
                && sequence == entry.sequence
                && hlc == entry.hlc
                && Arrays.equals(payload, entry.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(author, sequence, hlc, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "ChatLogEntry{" + author + "#" + sequence + " @" + Long.toUnsignedString(hlc) + ", " + payload.length
                + " bytes}";
    }
}
