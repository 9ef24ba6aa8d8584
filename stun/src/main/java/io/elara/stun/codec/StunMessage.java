package io.elara.stun.codec;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489): header, transaction id and attributes in the order they came, each with the padding
 * bytes it was sent with, so that a decoded message encodes back to the same bytes (RFC 5769's request pads USERNAME
 * with spaces, not zeros). Immutable.
 *
 * <p>{@link #decode} checks the framing (header, attribute lengths, FINGERPRINT last and correct) and never throws on
 * bad input; the values of attributes are read when asked for, and an accessor returns null for a value that does not
 * parse. MESSAGE-INTEGRITY is checked with {@link #integrity}, which needs the key. Attributes after
 * MESSAGE-INTEGRITY other than FINGERPRINT are ignored, as RFC 8489 section 14.5 says.
 *
 * <p>{@link Builder#encode} writes the attributes given, then MESSAGE-INTEGRITY (when a key is given) and FINGERPRINT
 * (when asked), each computed over the bytes before it with the header's length covering it.
 */
public final class StunMessage {
    /** The most attributes a message decoded here may have: a bound on the work one datagram can cause. */
    public static final int ATTRIBUTES_MAX = 64;
    /** XORed into FINGERPRINT's CRC-32: "STUN" in ASCII. */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    private static final int INTEGRITY_LENGTH = 20;
    private static final int ATTRIBUTE_HEADER = 4;

    /** An attribute: its type, value, and the padding bytes that follow the value (up to a multiple of 4). */
    public static final class Attribute {
        private final int type;
        private final byte[] value;
        private final byte[] padding;
        private final int offset;

        Attribute(int type, byte[] value, byte[] padding, int offset) {
            this.type = type;
            this.value = value;
            this.padding = padding;
            this.offset = offset;
        }

        public int type() {
            return type;
        }

        /** A copy of the value. */
        public byte[] value() {
            return value.clone();
        }

        public int length() {
            return value.length;
        }

        @Override
        public String toString() {
            return StunAttributes.name(type) + "(" + value.length + " bytes)";
        }
    }

    /** An ERROR-CODE: a code of 300 to 699 and its reason phrase. */
    public record ErrorCode(int code, String reason) {}

    /** The result of checking MESSAGE-INTEGRITY. */
    public enum Integrity {
        /** The message carries no MESSAGE-INTEGRITY. */
        ABSENT,
        VALID,
        INVALID
    }

    /** A decoded message, or why the bytes are not one. */
    public record Decoded(StunMessage message, StunReject reject) {
        public boolean ok() {
            return reject == StunReject.NONE;
        }
    }

    private final int messageType;
    private final int cookie;
    private final byte[] transactionId;
    private final List<Attribute> attributes;
    /** The bytes this message was decoded from (null when built): MESSAGE-INTEGRITY is checked over them. */
    private final byte[] raw;

    private StunMessage(int messageType, int cookie, byte[] transactionId, List<Attribute> attributes, byte[] raw) {
        this.messageType = messageType;
        this.cookie = cookie;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
    }

    /** Decodes the {@code length} readable bytes of {@code buffer} from {@code offset}; the buffer is not changed. */
    public static Decoded decode(ByteBuf buffer, int offset, int length) {
        if (length < StunHeaderFlyweight.HEADER_LENGTH || length > 0xFFFF + StunHeaderFlyweight.HEADER_LENGTH) {
            return new Decoded(
                    null,
                    length < StunHeaderFlyweight.HEADER_LENGTH ? StunReject.TOO_SHORT : StunReject.LENGTH_MISMATCH);
        }
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return decode(bytes);
    }

    /** Decodes {@code bytes} (one whole datagram), which it keeps: the caller must not change them afterwards. */
    public static Decoded decode(byte[] bytes) {
        StunHeaderFlyweight header = new StunHeaderFlyweight();
        StunReject framing = header.wrap(io.netty.buffer.Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        if (framing == StunReject.BAD_MAGIC_COOKIE) {
            // RFC 3489 ("classic STUN") had no magic cookie: those four bytes began a 128-bit transaction id. Such a
            // request is still answered (RFC 8489 section 11), so it is framed by the same rules.
            int length = header.messageLength();
            framing = (length & 3) != 0
                    ? StunReject.LENGTH_NOT_ALIGNED
                    : length != bytes.length - StunHeaderFlyweight.HEADER_LENGTH
                            ? StunReject.LENGTH_MISMATCH
                            : StunReject.NONE;
        }
        if (framing != StunReject.NONE) {
            return new Decoded(null, framing);
        }
        List<Attribute> attributes = new ArrayList<>();
        int at = StunHeaderFlyweight.HEADER_LENGTH;
        boolean afterIntegrity = false;
        while (at < bytes.length) {
            if (bytes.length - at < ATTRIBUTE_HEADER) {
                return new Decoded(null, StunReject.ATTRIBUTE_TRUNCATED);
            }
            int type = u16(bytes, at);
            int valueLength = u16(bytes, at + 2);
            int padded = (valueLength + 3) & ~3;
            if (padded > bytes.length - at - ATTRIBUTE_HEADER) {
                return new Decoded(null, StunReject.ATTRIBUTE_TRUNCATED);
            }
            if (attributes.size() == ATTRIBUTES_MAX) {
                return new Decoded(null, StunReject.TOO_MANY_ATTRIBUTES);
            }
            if ((type == StunAttributes.MESSAGE_INTEGRITY && valueLength != INTEGRITY_LENGTH)
                    || (type == StunAttributes.FINGERPRINT && valueLength != 4)) {
                return new Decoded(null, StunReject.ATTRIBUTE_LENGTH);
            }
            int valueAt = at + ATTRIBUTE_HEADER;
            Attribute attribute = new Attribute(
                    type,
                    Arrays.copyOfRange(bytes, valueAt, valueAt + valueLength),
                    Arrays.copyOfRange(bytes, valueAt + valueLength, valueAt + padded),
                    at);
            if (type == StunAttributes.FINGERPRINT) {
                if (valueAt + padded != bytes.length) {
                    return new Decoded(null, StunReject.AFTER_FINGERPRINT);
                }
                if (u32(bytes, valueAt) != fingerprint(bytes, at)) {
                    return new Decoded(null, StunReject.FINGERPRINT_MISMATCH);
                }
                attributes.add(attribute);
            } else if (!afterIntegrity) {
                attributes.add(attribute);
                afterIntegrity = type == StunAttributes.MESSAGE_INTEGRITY;
            }
            at = valueAt + padded;
        }
        return new Decoded(
                new StunMessage(
                        header.messageType(),
                        u32(bytes, StunHeaderFlyweight.MAGIC_COOKIE_OFFSET),
                        Arrays.copyOfRange(
                                bytes,
                                StunHeaderFlyweight.TRANSACTION_ID_OFFSET,
                                StunHeaderFlyweight.TRANSACTION_ID_OFFSET + StunHeaderFlyweight.TRANSACTION_ID_LENGTH),
                        Collections.unmodifiableList(attributes),
                        bytes),
                StunReject.NONE);
    }

    /** The 14-bit message type: method and class interleaved. */
    public int messageType() {
        return messageType;
    }

    /** One of {@code StunHeaderFlyweight.CLASS_*}. */
    public int messageClass() {
        return ((messageType >>> 7) & 0b10) | ((messageType >>> 4) & 0b01);
    }

    /** The 12-bit method, e.g. {@link StunHeaderFlyweight#METHOD_BINDING}. */
    public int method() {
        return (messageType & 0x000F) | ((messageType >>> 1) & 0x0070) | ((messageType >>> 2) & 0x0F80);
    }

    /** The message type of {@code method} in {@code messageClass}. */
    public static int messageType(int method, int messageClass) {
        return (method & 0x000F)
                | ((method & 0x0070) << 1)
                | ((method & 0x0F80) << 2)
                | ((messageClass & 0b01) << 4)
                | ((messageClass & 0b10) << 7);
    }

    /**
     * Whether this is an RFC 3489 message (no magic cookie): its transaction id is 128 bits, the four bytes where the
     * cookie would be ({@link #classicCookie}) and {@link #transactionId}, and it knows no XOR- addresses.
     */
    public boolean classic() {
        return cookie != StunHeaderFlyweight.MAGIC_COOKIE;
    }

    /** The four bytes where the magic cookie is, as an int: the cookie, or the start of a classic transaction id. */
    public int classicCookie() {
        return cookie;
    }

    /** A copy of the 96-bit transaction id. */
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** Whether this message's transaction id is {@code id}. */
    public boolean hasTransactionId(byte[] id) {
        return MessageDigest.isEqual(transactionId, id);
    }

    /** The attributes in the order they came (those after MESSAGE-INTEGRITY but FINGERPRINT left out). */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** The first attribute of {@code type}, or null. */
    public Attribute attribute(int type) {
        for (Attribute attribute : attributes) {
            if (attribute.type == type) {
                return attribute;
            }
        }
        return null;
    }

    /** The comprehension-required attribute types in this message that {@code known} does not list. */
    public List<Integer> unknownRequired(java.util.function.IntPredicate known) {
        List<Integer> unknown = new ArrayList<>();
        for (Attribute attribute : attributes) {
            if (StunAttributes.comprehensionRequired(attribute.type)
                    && !known.test(attribute.type)
                    && !unknown.contains(attribute.type)) {
                unknown.add(attribute.type);
            }
        }
        return unknown;
    }

    /** The value of the first attribute of {@code type} as UTF-8 text, or null when absent or not UTF-8. */
    public String text(int type) {
        Attribute attribute = attribute(type);
        if (attribute == null) {
            return null;
        }
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(attribute.value)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The address in the first attribute of {@code type}: XORed with the magic cookie and transaction id for the XOR-
     * types (XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS), plain for the others (MAPPED-ADDRESS,
     * OTHER-ADDRESS, RESPONSE-ORIGIN, ALTERNATE-SERVER). Null when absent or malformed.
     */
    public InetSocketAddress address(int type) {
        Attribute attribute = attribute(type);
        if (attribute == null) {
            return null;
        }
        byte[] value = attribute.value;
        boolean xor = type == StunAttributes.XOR_MAPPED_ADDRESS
                || type == StunAttributes.XOR_PEER_ADDRESS
                || type == StunAttributes.XOR_RELAYED_ADDRESS;
        if (value.length < 4 || value[0] != 0) {
            return null;
        }
        int family = value[1];
        int addressLength = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (addressLength < 0 || value.length != 4 + addressLength) {
            return null;
        }
        int port = u16(value, 2) ^ (xor ? StunHeaderFlyweight.MAGIC_COOKIE >>> 16 : 0);
        byte[] address = Arrays.copyOfRange(value, 4, 4 + addressLength);
        if (xor) {
            byte[] mask = xorMask(transactionId);
            for (int i = 0; i < address.length; i++) {
                address[i] ^= mask[i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /** The ERROR-CODE, or null when absent or malformed. */
    public ErrorCode errorCode() {
        Attribute attribute = attribute(StunAttributes.ERROR_CODE);
        if (attribute == null || attribute.value.length < 4) {
            return null;
        }
        int errorClass = attribute.value[2] & 0x07;
        int number = attribute.value[3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            return null;
        }
        String reason = new String(attribute.value, 4, attribute.value.length - 4, StandardCharsets.UTF_8);
        return new ErrorCode(errorClass * 100 + number, reason);
    }

    /** The attribute types listed in UNKNOWN-ATTRIBUTES, or an empty list. */
    public List<Integer> unknownAttributes() {
        Attribute attribute = attribute(StunAttributes.UNKNOWN_ATTRIBUTES);
        List<Integer> types = new ArrayList<>();
        if (attribute != null) {
            for (int i = 0; i + 1 < attribute.value.length; i += 2) {
                types.add(u16(attribute.value, i));
            }
        }
        return types;
    }

    /**
     * Checks MESSAGE-INTEGRITY with {@code key} ({@link StunCredentials}): HMAC-SHA1 over the message up to the
     * attribute, with the header's length covering it. Constant time in the comparison.
     */
    public Integrity integrity(byte[] key) {
        Attribute attribute = attribute(StunAttributes.MESSAGE_INTEGRITY);
        if (attribute == null) {
            return Integrity.ABSENT;
        }
        if (raw == null) {
            throw new IllegalStateException("a message built here has no received bytes to check");
        }
        byte[] expected = hmacSha1(key, raw, attribute.offset);
        return MessageDigest.isEqual(expected, attribute.value) ? Integrity.VALID : Integrity.INVALID;
    }

    /** The bytes this message was decoded from, or null for one built with {@link #builder}. */
    public byte[] received() {
        return raw == null ? null : raw.clone();
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT, "STUN(method 0x%03X, class %d, %s)", method(), messageClass(), attributes);
    }

    /** Starts a message of {@code method} and {@code messageClass} with {@code transactionId} (12 bytes). */
    public static Builder builder(int method, int messageClass, byte[] transactionId) {
        if (transactionId.length != StunHeaderFlyweight.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("a transaction id is 12 bytes, not " + transactionId.length);
        }
        return new Builder(messageType(method, messageClass), StunHeaderFlyweight.MAGIC_COOKIE, transactionId.clone());
    }

    /** Starts a response of {@code messageClass} to {@code request}: same method, same transaction id (and cookie). */
    public static Builder responseTo(StunMessage request, int messageClass) {
        return new Builder(messageType(request.method(), messageClass), request.cookie, request.transactionId.clone());
    }

    /** A decoded message's type, transaction id and attributes (with their padding), to encode again. */
    public Builder toBuilder() {
        Builder builder = new Builder(messageType, cookie, transactionId.clone());
        for (Attribute attribute : attributes) {
            if (attribute.type != StunAttributes.MESSAGE_INTEGRITY && attribute.type != StunAttributes.FINGERPRINT) {
                builder.attributes.add(attribute);
            }
        }
        return builder;
    }

    /** Builds a message's bytes. */
    public static final class Builder {
        private final int messageType;
        private final int cookie;
        private final byte[] transactionId;
        private final List<Attribute> attributes = new ArrayList<>();

        private Builder(int messageType, int cookie, byte[] transactionId) {
            this.messageType = messageType;
            this.cookie = cookie;
            this.transactionId = transactionId;
        }

        /** Adds an attribute, padded with zeros. */
        public Builder add(int type, byte[] value) {
            if (value.length > 0xFFFF) {
                throw new IllegalArgumentException("an attribute value is at most 65535 bytes");
            }
            attributes.add(new Attribute(type, value.clone(), new byte[(4 - (value.length & 3)) & 3], -1));
            return this;
        }

        /** Adds a UTF-8 text attribute (USERNAME, REALM, NONCE, SOFTWARE). */
        public Builder text(int type, String text) {
            return add(type, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds a 32-bit attribute (PRIORITY, LIFETIME, REQUESTED-TRANSPORT, CHANGE-REQUEST). */
        public Builder u32(int type, int value) {
            return add(
                    type,
                    new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        }

        /** Adds a 64-bit attribute (ICE-CONTROLLING, ICE-CONTROLLED tie-breakers). */
        public Builder u64(int type, long value) {
            byte[] bytes = new byte[8];
            for (int i = 0; i < 8; i++) {
                bytes[i] = (byte) (value >>> (56 - 8 * i));
            }
            return add(type, bytes);
        }

        /** Adds an address attribute: XORed for the XOR- types, plain for the others. */
        public Builder address(int type, InetSocketAddress address) {
            byte[] ip = address.getAddress().getAddress();
            byte[] value = new byte[4 + ip.length];
            value[1] = (byte) (ip.length == 4 ? 1 : 2);
            boolean xor = type == StunAttributes.XOR_MAPPED_ADDRESS
                    || type == StunAttributes.XOR_PEER_ADDRESS
                    || type == StunAttributes.XOR_RELAYED_ADDRESS;
            int port = address.getPort() ^ (xor ? StunHeaderFlyweight.MAGIC_COOKIE >>> 16 : 0);
            value[2] = (byte) (port >>> 8);
            value[3] = (byte) port;
            byte[] mask = xor ? xorMask(transactionId) : new byte[16];
            for (int i = 0; i < ip.length; i++) {
                value[4 + i] = (byte) (ip[i] ^ mask[i]);
            }
            return add(type, value);
        }

        /** Adds ERROR-CODE {@code code} (300-699) with {@code reason}. */
        public Builder errorCode(int code, String reason) {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("a STUN error code is 300 to 699, not " + code);
            }
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[4 + text.length];
            value[2] = (byte) (code / 100);
            value[3] = (byte) (code % 100);
            System.arraycopy(text, 0, value, 4, text.length);
            return add(StunAttributes.ERROR_CODE, value);
        }

        /** Adds UNKNOWN-ATTRIBUTES listing {@code types}. */
        public Builder unknownAttributes(List<Integer> types) {
            byte[] value = new byte[2 * types.size()];
            for (int i = 0; i < types.size(); i++) {
                value[2 * i] = (byte) (types.get(i) >>> 8);
                value[2 * i + 1] = (byte) types.get(i).intValue();
            }
            return add(StunAttributes.UNKNOWN_ATTRIBUTES, value);
        }

        /** The message's length on the wire, with the integrity and fingerprint attributes asked for. */
        public int encodedLength(boolean integrity, boolean fingerprint) {
            int length = StunHeaderFlyweight.HEADER_LENGTH;
            for (Attribute attribute : attributes) {
                length += ATTRIBUTE_HEADER + attribute.value.length + attribute.padding.length;
            }
            return length + (integrity ? ATTRIBUTE_HEADER + INTEGRITY_LENGTH : 0) + (fingerprint ? 8 : 0);
        }

        /**
         * The message's bytes: the attributes added, then MESSAGE-INTEGRITY keyed with {@code integrityKey} (none when
         * null), then FINGERPRINT when {@code fingerprint}.
         */
        public byte[] encode(byte[] integrityKey, boolean fingerprint) {
            byte[] out = new byte[encodedLength(integrityKey != null, fingerprint)];
            putU16(out, 0, messageType);
            putU32(out, StunHeaderFlyweight.MAGIC_COOKIE_OFFSET, cookie);
            System.arraycopy(
                    transactionId,
                    0,
                    out,
                    StunHeaderFlyweight.TRANSACTION_ID_OFFSET,
                    StunHeaderFlyweight.TRANSACTION_ID_LENGTH);
            int at = StunHeaderFlyweight.HEADER_LENGTH;
            for (Attribute attribute : attributes) {
                putU16(out, at, attribute.type);
                putU16(out, at + 2, attribute.value.length);
                System.arraycopy(attribute.value, 0, out, at + ATTRIBUTE_HEADER, attribute.value.length);
                System.arraycopy(
                        attribute.padding,
                        0,
                        out,
                        at + ATTRIBUTE_HEADER + attribute.value.length,
                        attribute.padding.length);
                at += ATTRIBUTE_HEADER + attribute.value.length + attribute.padding.length;
            }
            if (integrityKey != null) {
                putU16(out, at, StunAttributes.MESSAGE_INTEGRITY);
                putU16(out, at + 2, INTEGRITY_LENGTH);
                System.arraycopy(hmacSha1(integrityKey, out, at), 0, out, at + ATTRIBUTE_HEADER, INTEGRITY_LENGTH);
                at += ATTRIBUTE_HEADER + INTEGRITY_LENGTH;
            }
            if (fingerprint) {
                putU16(out, at, StunAttributes.FINGERPRINT);
                putU16(out, at + 2, 4);
                putU32(out, at + ATTRIBUTE_HEADER, fingerprint(out, at));
                at += 8;
            }
            putU16(out, StunHeaderFlyweight.LENGTH_OFFSET, at - StunHeaderFlyweight.HEADER_LENGTH);
            return out;
        }
    }

    /** The magic cookie followed by the transaction id: what XOR- addresses are masked with. */
    private static byte[] xorMask(byte[] transactionId) {
        byte[] mask = new byte[16];
        putU32(mask, 0, StunHeaderFlyweight.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, mask, 4, StunHeaderFlyweight.TRANSACTION_ID_LENGTH);
        return mask;
    }

    /**
     * HMAC-SHA1 with {@code key} over {@code message[0, attributeOffset)}, the header's length field taken as covering
     * a MESSAGE-INTEGRITY attribute at {@code attributeOffset}.
     */
    private static byte[] hmacSha1(byte[] key, byte[] message, int attributeOffset) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            byte[] header = Arrays.copyOf(message, StunHeaderFlyweight.HEADER_LENGTH);
            putU16(
                    header,
                    StunHeaderFlyweight.LENGTH_OFFSET,
                    attributeOffset - StunHeaderFlyweight.HEADER_LENGTH + ATTRIBUTE_HEADER + INTEGRITY_LENGTH);
            mac.update(header);
            mac.update(message, StunHeaderFlyweight.HEADER_LENGTH, attributeOffset - StunHeaderFlyweight.HEADER_LENGTH);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform has HmacSHA1", e);
        }
    }

    /** CRC-32 of {@code message[0, attributeOffset)} XOR "STUN", the length field covering a FINGERPRINT there. */
    private static int fingerprint(byte[] message, int attributeOffset) {
        CRC32 crc = new CRC32();
        byte[] header = Arrays.copyOf(message, StunHeaderFlyweight.HEADER_LENGTH);
        putU16(header, StunHeaderFlyweight.LENGTH_OFFSET, attributeOffset - StunHeaderFlyweight.HEADER_LENGTH + 8);
        crc.update(header);
        crc.update(message, StunHeaderFlyweight.HEADER_LENGTH, attributeOffset - StunHeaderFlyweight.HEADER_LENGTH);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static int u32(byte[] bytes, int at) {
        return (u16(bytes, at) << 16) | u16(bytes, at + 2);
    }

    private static void putU16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 8);
        bytes[at + 1] = (byte) value;
    }

    private static void putU32(byte[] bytes, int at, int value) {
        putU16(bytes, at, value >>> 16);
        putU16(bytes, at + 2, value);
    }
}
