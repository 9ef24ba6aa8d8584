package io.elara.node.session;

import io.elara.crdt.sync.DotRange;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.Addresses;
import io.elara.node.event.SessionId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One session control message: the text of an event of kind {@code SESSION}, one line of space-separated fields (see
 * {@code docs/PROTOCOL.md}, "Session control"). {@link #parse} never throws: a line that is not a well-formed message
 * has a reason instead. {@link #text} writes the one canonical form that {@code parse} reads back.
 *
 * @param verb what the message is
 * @param session the session it is about; null for {@link Verb#JOIN} and {@link Verb#OP}, which carry theirs inside the
 *     operation
 * @param payload the encoded membership operation ({@code join}, {@code op}), or null
 * @param node the creator ({@code welcome}) or the member ({@code member}), or null
 * @param address the member's address ({@code member}), or null
 * @param name the session's name ({@code welcome}), the member's display name ({@code member}), the refusal's reason
 *     label ({@code refused}), or null
 * @param flags {@code sync}: {@code q} or {@code r}, then {@code a} (whole), {@code p} (first part) or {@code c} (a
 *     later part); else null
 * @param ops {@code sync}: how many membership operations the sender holds
 * @param digest {@code sync}: 16 hex digits over the sender's membership snapshot; else null
 * @param newestOp {@code sync}: the HLC of the newest membership operation the sender holds (0 when none)
 * @param coverFrom {@code sync}: the smallest author key this part of the list covers (signed order)
 * @param coverTo {@code sync}: the largest author key this part covers: an author in the range and not listed has
 *     none of its events held by the sender
 * @param held {@code sync}: per author key (the first 8 bytes of the author's id), the counters of its events held
 */
@SuppressWarnings("ArrayRecordComponent") // equality is by text; the payload accessor hands out a copy
public record ControlMessage(
        Verb verb,
        SessionId session,
        byte[] payload,
        NodeId node,
        InetSocketAddress address,
        String name,
        String flags,
        int ops,
        String digest,
        long newestOp,
        long coverFrom,
        long coverTo,
        Map<Long, HeldEvents.Summary> held) {
    /** Longest display or session name carried, in UTF-8 bytes. */
    public static final int NAME_BYTES_MAX = 64;
    /** Most authors listed in one {@code sync}. */
    public static final int AUTHORS_MAX = 64;
    /** Most runs beyond the prefix listed for one author in a {@code sync}. */
    public static final int RUNS_PER_AUTHOR_MAX = 16;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    /** The kinds of message. */
    public enum Verb {
        JOIN("join"),
        OP("op"),
        WELCOME("welcome"),
        REFUSED("refused"),
        MEMBER("member"),
        SYNC("sync"),
        /** An ICE offer ({@code o}) or answer ({@code a}) between two connected nodes: a description's text. */
        ICE("ice"),
        /**
         * A request ({@code q}) to probe a member this node hears nothing from, or the answer ({@code a}) that the
         * member answered the one asked: SWIM's indirect probe.
         */
        PROBE("probe"),
        /**
         * A media receiver report: over the last interval, how many frames the sender's sequence numbers say it sent,
         * how many arrived in time, their payload bytes, and the interval's length. RTCP's receiver report, in one line.
         */
        REPORT("report");

        private final String word;

        Verb(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** A parsed message, or why the line is none; exactly one of the two is set. */
    public record Parsed(ControlMessage message, String problem) {
        public boolean accepted() {
            return message != null;
        }
    }

    public ControlMessage {
        held = held == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(held));
    }

    /** A copy of the encoded operation, or null. */
    @Override
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    public static ControlMessage join(byte[] op) {
        return new ControlMessage(Verb.JOIN, null, op.clone(), null, null, null, null, 0, null, 0, 0, 0, null);
    }

    public static ControlMessage op(byte[] op) {
        return new ControlMessage(Verb.OP, null, op.clone(), null, null, null, null, 0, null, 0, 0, 0, null);
    }

    public static ControlMessage welcome(SessionId session, NodeId creator, String sessionName) {
        return new ControlMessage(
                Verb.WELCOME, session, null, creator, null, sessionName, null, 0, null, 0, 0, 0, null);
    }

    public static ControlMessage refused(SessionId session, String reasonLabel) {
        return new ControlMessage(Verb.REFUSED, session, null, null, null, reasonLabel, null, 0, null, 0, 0, 0, null);
    }

    public static ControlMessage member(SessionId session, NodeId member, InetSocketAddress address, String name) {
        return new ControlMessage(Verb.MEMBER, session, null, member, address, name, null, 0, null, 0, 0, 0, null);
    }

    public static ControlMessage sync(
            SessionId session,
            String flags,
            int ops,
            String digest,
            long newestOp,
            long coverFrom,
            long coverTo,
            Map<Long, HeldEvents.Summary> held) {
        if (coverFrom > coverTo) {
            throw new IllegalArgumentException("an empty range of author keys");
        }
        for (long author : held.keySet()) {
            if (author < coverFrom || author > coverTo) {
                throw new IllegalArgumentException("an author listed outside the range the message covers");
            }
        }
        return new ControlMessage(
                Verb.SYNC, session, null, null, null, null, flags, ops, digest, newestOp, coverFrom, coverTo, held);
    }

    /** Longest ICE description carried, in UTF-8 bytes. */
    public static final int ICE_BYTES_MAX = 2048;

    /** An ICE offer (this side controls) or answer, carrying {@code description}, an ICE description's one line. */
    public static ControlMessage ice(boolean offer, String description) {
        byte[] bytes = description.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > ICE_BYTES_MAX) {
            throw new IllegalArgumentException("an ICE description is at most " + ICE_BYTES_MAX + " bytes");
        }
        return new ControlMessage(Verb.ICE, null, bytes, null, null, null, offer ? "o" : "a", 0, null, 0, 0, 0, null);
    }

    /** For {@link Verb#ICE}: whether it is the offer (from the controlling side). */
    public boolean offer() {
        return "o".equals(flags);
    }

    /** For {@link Verb#ICE}: the description's text. */
    public String description() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * A request ({@code request}) to probe member {@code target}, or the answer that it answered, under {@code nonce},
     * which the answer repeats.
     */
    public static ControlMessage probe(boolean request, NodeId target, long nonce) {
        return new ControlMessage(
                Verb.PROBE, null, null, target, null, null, request ? "q" : "a", 0, null, nonce, 0, 0, null);
    }

    /** For {@link Verb#PROBE}: whether it is the request (else the answer). */
    public boolean probeRequest() {
        return "q".equals(flags);
    }

    /** For {@link Verb#PROBE}: the nonce the answer repeats. */
    public long nonce() {
        return newestOp;
    }

    /** Largest count a receiver report carries (frames or bytes). */
    public static final long REPORT_COUNT_MAX = 1L << 40;

    /** Largest interval a receiver report covers, in milliseconds. */
    public static final int REPORT_MILLIS_MAX = 3_600_000;

    /** A media receiver report over {@code millis} milliseconds. */
    public static ControlMessage report(long expected, long delivered, long bytes, long millis) {
        return new ControlMessage(
                Verb.REPORT, null, null, null, null, null, null, (int) millis, null, bytes, expected, delivered, null);
    }

    /** For {@link Verb#REPORT}: frames the sequence numbers say were sent in the interval. */
    public long reportExpected() {
        return coverFrom;
    }

    /** For {@link Verb#REPORT}: frames that arrived in time. */
    public long reportDelivered() {
        return coverTo;
    }

    /** For {@link Verb#REPORT}: their payload bytes. */
    public long reportBytes() {
        return newestOp;
    }

    /** For {@link Verb#REPORT}: the interval, milliseconds. */
    public int reportMillis() {
        return ops;
    }

    /** The line this message is sent as. */
    public String text() {
        StringBuilder out = new StringBuilder(verb.word());
        switch (verb) {
            case JOIN, OP -> out.append(' ').append(B64.encodeToString(payload));
            case ICE -> out.append(' ').append(flags).append(' ').append(B64.encodeToString(payload));
            case PROBE ->
                out.append(' ')
                        .append(flags)
                        .append(' ')
                        .append(node)
                        .append(' ')
                        .append(HexFormat.of().toHexDigits(newestOp));
            case REPORT ->
                out.append(' ')
                        .append(coverFrom)
                        .append(' ')
                        .append(coverTo)
                        .append(' ')
                        .append(newestOp)
                        .append(' ')
                        .append(ops);
            case WELCOME ->
                out.append(' ')
                        .append(session)
                        .append(' ')
                        .append(node)
                        .append(' ')
                        .append(encodeName(name));
            case REFUSED -> out.append(' ').append(session).append(' ').append(name);
            case MEMBER ->
                out.append(' ')
                        .append(session)
                        .append(' ')
                        .append(node)
                        .append(' ')
                        .append(io.elara.node.peer.Peer.format(address))
                        .append(' ')
                        .append(encodeName(name));
            case SYNC -> {
                out.append(' ')
                        .append(session)
                        .append(' ')
                        .append(flags)
                        .append(' ')
                        .append(ops)
                        .append(' ')
                        .append(digest)
                        .append(' ')
                        .append(HexFormat.of().toHexDigits(newestOp))
                        .append(' ')
                        .append(HexFormat.of().toHexDigits(coverFrom))
                        .append('-')
                        .append(HexFormat.of().toHexDigits(coverTo));
                for (Map.Entry<Long, HeldEvents.Summary> author : held.entrySet()) {
                    out.append(' ').append(heldField(author.getKey(), author.getValue()));
                }
            }
        }
        return out.toString();
    }

    /** Reads {@code text}. Never throws. */
    public static Parsed parse(String text) {
        try {
            return new Parsed(read(text.split(" ", -1)), null);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return new Parsed(null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static ControlMessage read(String[] f) {
        Verb verb = null;
        for (Verb candidate : Verb.values()) {
            if (candidate.word().equals(f[0])) {
                verb = candidate;
            }
        }
        if (verb == null) {
            throw new IllegalArgumentException("unknown session control '" + shorten(f[0]) + "'");
        }
        return switch (verb) {
            case JOIN, OP -> {
                fields(f, 2, 2);
                yield new ControlMessage(verb, null, decode(f[1]), null, null, null, null, 0, null, 0, 0, 0, null);
            }
            case ICE -> {
                fields(f, 3, 3);
                if (!f[1].equals("o") && !f[1].equals("a")) {
                    throw new IllegalArgumentException("an ICE message is an offer (o) or an answer (a)");
                }
                byte[] description = decode(f[2]);
                if (description.length > ICE_BYTES_MAX) {
                    throw new IllegalArgumentException("an ICE description is at most " + ICE_BYTES_MAX + " bytes");
                }
                yield ice(f[1].equals("o"), new String(description, StandardCharsets.UTF_8));
            }
            case PROBE -> {
                fields(f, 4, 4);
                if (!f[1].equals("q") && !f[1].equals("a")) {
                    throw new IllegalArgumentException("a probe is a request (q) or an answer (a)");
                }
                if (!f[3].matches("[0-9a-f]{16}")) {
                    throw new IllegalArgumentException("a probe's nonce is 16 hex digits");
                }
                yield probe(f[1].equals("q"), NodeId.parse(f[2]), HexFormat.fromHexDigitsToLong(f[3]));
            }
            case REPORT -> {
                fields(f, 5, 5);
                long expected = count(f[1], REPORT_COUNT_MAX);
                long delivered = count(f[2], REPORT_COUNT_MAX);
                long bytes = count(f[3], REPORT_COUNT_MAX);
                long millis = count(f[4], REPORT_MILLIS_MAX);
                if (delivered > expected || millis == 0) {
                    throw new IllegalArgumentException(
                            "a report delivers at most what it expects, over at least one millisecond");
                }
                yield report(expected, delivered, bytes, millis);
            }
            case WELCOME -> {
                fields(f, 4, 4);
                yield welcome(session(f[1]), NodeId.parse(f[2]), decodeName(f[3]));
            }
            case REFUSED -> {
                fields(f, 3, 3);
                if (!f[2].matches("[a-z_]{1,40}")) {
                    throw new IllegalArgumentException("a reason label is 1 to 40 of a-z and _");
                }
                yield refused(session(f[1]), f[2]);
            }
            case MEMBER -> {
                fields(f, 5, 5);
                yield member(session(f[1]), NodeId.parse(f[2]), Addresses.parse(f[3], false), decodeName(f[4]));
            }
            case SYNC -> {
                fields(f, 7, 7 + AUTHORS_MAX);
                String flags = f[2];
                if (!flags.matches("[qr][apc]")) {
                    throw new IllegalArgumentException("sync flags are q or r, then a, p or c");
                }
                if (!f[3].matches("[0-9]{1,5}")) {
                    throw new IllegalArgumentException("an operation count is 1 to 5 digits");
                }
                if (!f[4].matches("[0-9a-f]{16}")) {
                    throw new IllegalArgumentException("a digest is 16 hex digits");
                }
                if (!f[5].matches("[0-9a-f]{16}")) {
                    throw new IllegalArgumentException("the newest operation's stamp is 16 hex digits");
                }
                if (!f[6].matches("[0-9a-f]{16}-[0-9a-f]{16}")) {
                    throw new IllegalArgumentException("the range of author keys is 16 hex digits, '-', 16 hex digits");
                }
                Map<Long, HeldEvents.Summary> held = new LinkedHashMap<>();
                for (int i = 7; i < f.length; i++) {
                    if (!HELD.matcher(f[i]).matches()) {
                        throw new IllegalArgumentException(
                                "an author's field is 16 hex digits, '=', a hex counter, and optional '+' runs");
                    }
                    long author = HexFormat.fromHexDigitsToLong(f[i], 0, 16);
                    if (held.put(author, readHeld(author, f[i].substring(17))) != null) {
                        throw new IllegalArgumentException("an author listed twice");
                    }
                }
                yield sync(
                        session(f[1]),
                        flags,
                        Integer.parseInt(f[3]),
                        f[4],
                        HexFormat.fromHexDigitsToLong(f[5], 0, 16),
                        HexFormat.fromHexDigitsToLong(f[6], 0, 16),
                        HexFormat.fromHexDigitsToLong(f[6], 17, 33),
                        held);
            }
        };
    }

    /** One author in a {@code sync}: key, '=', the prefix, then '+' and comma-separated runs (first-last or one). */
    private static final Pattern HELD = Pattern.compile(
            "[0-9a-f]{16}=[0-9a-f]{1,8}(\\+[0-9a-f]{1,8}(-[0-9a-f]{1,8})?(,[0-9a-f]{1,8}(-[0-9a-f]{1,8})?){0,"
                    + (RUNS_PER_AUTHOR_MAX - 1) + "})?");

    /** The text of one author's entry in a {@code sync}. */
    public static String heldField(long author, HeldEvents.Summary summary) {
        StringBuilder out = new StringBuilder(HexFormat.of().toHexDigits(author))
                .append('=')
                .append(Long.toHexString(summary.prefix()));
        char separator = '+';
        for (DotRange run : summary.beyond()) {
            out.append(separator).append(Long.toHexString(run.first()));
            if (run.last() != run.first()) {
                out.append('-').append(Long.toHexString(run.last()));
            }
            separator = ',';
        }
        return out.toString();
    }

    private static HeldEvents.Summary readHeld(long author, String text) {
        int plus = text.indexOf('+');
        long prefix = Long.parseLong(plus < 0 ? text : text.substring(0, plus), 16);
        List<DotRange> runs = new ArrayList<>();
        if (plus >= 0) {
            for (String run : text.substring(plus + 1).split(",", -1)) {
                int dash = run.indexOf('-');
                long first = Long.parseLong(dash < 0 ? run : run.substring(0, dash), 16);
                long last = dash < 0 ? first : Long.parseLong(run.substring(dash + 1), 16);
                runs.add(new DotRange(author, first, last)); // throws IllegalArgumentException when empty or backwards
            }
        }
        return new HeldEvents.Summary(prefix, runs); // throws IllegalArgumentException when unsorted or overlapping
    }

    /** A decimal count of 0 to {@code max}, without sign or leading zero. */
    private static long count(String text, long max) {
        if (!text.matches("0|[1-9][0-9]{0,15}") || Long.parseLong(text) > max) {
            throw new IllegalArgumentException("'" + text + "' is not a count of 0 to " + max);
        }
        return Long.parseLong(text);
    }

    private static void fields(String[] f, int min, int max) {
        if (f.length < min || f.length > max) {
            throw new IllegalArgumentException(
                    "'" + f[0] + "' has " + f.length + " fields, not " + min + (max == min ? "" : " to " + max));
        }
    }

    private static SessionId session(String hex) {
        if (hex.length() != 32 || !hex.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("a session id is 32 hex digits");
        }
        return new SessionId(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }

    private static byte[] decode(String base64) {
        if (base64.isEmpty() || base64.indexOf('=') >= 0) {
            throw new IllegalArgumentException("a payload is unpadded base64url");
        }
        return B64_DECODER.decode(base64);
    }

    private static String encodeName(String name) {
        return B64.encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeName(String base64) {
        byte[] bytes = decode(base64);
        if (bytes.length > NAME_BYTES_MAX) {
            throw new IllegalArgumentException("a name is at most " + NAME_BYTES_MAX + " bytes");
        }
        String name = new String(bytes, StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(name.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw new IllegalArgumentException("a name is UTF-8");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("a name has no control characters");
            }
        }
        return name;
    }

    private static String shorten(String text) {
        return text.length() <= 16 ? text : text.substring(0, 16) + "…";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ControlMessage that && text().equals(that.text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return "ControlMessage[" + shorten(text()) + "]";
    }
}
