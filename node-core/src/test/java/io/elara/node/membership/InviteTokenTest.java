package io.elara.node.membership;

import static io.elara.node.membership.MembershipFixtures.ALICE;
import static io.elara.node.membership.MembershipFixtures.CREATOR;
import static io.elara.node.membership.MembershipFixtures.NOW;
import static io.elara.node.membership.MembershipFixtures.SESSION;
import static io.elara.node.membership.MembershipFixtures.TOMORROW;
import static io.elara.node.membership.MembershipFixtures.address;
import static io.elara.node.membership.MembershipFixtures.invite;
import static io.elara.node.membership.MembershipFixtures.seededRandom;
import static io.elara.node.membership.MembershipFixtures.twoAddresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteTokenTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The golden token: CREATOR invites into SESSION ("lobby"), two addresses, 5 uses, until TOMORROW. */
    private static final String GOLDEN_HEX = String.join(
            "",
            "01", // version 1
            "000102030405060708090a0b0c0d0e0f", // session id
            "5cfcc304dee8ddb94e4b25f27ab497cc", // invite id
            "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c", // inviter (seed 01 x 32)
            "000001a20846fe00", // expires at 2026-11-23T12:00:00Z in Unix ms
            "0005", // max uses 5
            "05", // name length
            "6c6f626279", // "lobby"
            "02", // two candidates
            "01" + "06" + "c000020a" + "0fa0", // IPv4, 6 bytes: 192.0.2.10 port 4000
            "01" + "06" + "c6336407" + "9c41", // IPv4, 6 bytes: 198.51.100.7 port 40001
            "8b480501e2018472f251a9efb77227a0a23b0c62d6e4daaf861c5c431d8e5d6b", // signature, R
            "610283a433094f3b6a799df4f79eea9fe51122763591ce362260a53acc6d7405"); // signature, S

    private static final String GOLDEN_TEXT = "elara-invite1:"
            + "AQABAgMEBQYHCAkKCwwNDg9c_MME3ujduU5LJfJ6tJfMiojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1wAAAGiCEb-AAAFBWxvYmJ5"
            + "AgEGwAACCg-gAQbGM2QHnEGLSAUB4gGEcvJRqe-3ciegojsMYtbk2q-GHFxDHY5da2ECg6QzCU87anmd9Pee6p_lESJ2NZHONiJgpTrMbXQF";

    private static InviteToken golden() {
        return InviteToken.create(
                CREATOR,
                SESSION,
                "lobby",
                candidates(twoAddresses()),
                TOMORROW.toEpochMilli(),
                5,
                HEX.parseHex("5cfcc304dee8ddb94e4b25f27ab497cc"));
    }

    private static List<InviteCandidate> candidates(List<InetSocketAddress> addresses) {
        return addresses.stream().map(InviteCandidate::of).toList();
    }

    @Test
    void shouldEncodeGoldenBytesAndTextWhenFieldsAreFixed() {
        InviteToken token = golden();

        assertThat(HEX.formatHex(token.encoded())).isEqualTo(GOLDEN_HEX);
        assertThat(token.text()).isEqualTo(GOLDEN_TEXT);
        // A typical invite fits in one chat line of a few hundred characters.
        assertThat(token.text()).hasSize(230);
    }

    @Test
    void shouldReadEveryFieldBackWhenGoldenTextIsParsed() {
        InviteToken.Decoded decoded = InviteToken.parse(GOLDEN_TEXT);

        assertThat(decoded.reject()).isEqualTo(InviteReject.NONE);
        InviteToken token = decoded.token();
        assertThat(token.sessionId()).isEqualTo(SESSION);
        assertThat(token.sessionName()).isEqualTo("lobby");
        assertThat(token.inviter()).isEqualTo(CREATOR.nodeId());
        assertThat(token.inviteIdHex()).isEqualTo("5cfcc304dee8ddb94e4b25f27ab497cc");
        assertThat(token.expiresAt()).isEqualTo(TOMORROW);
        assertThat(token.maxUses()).isEqualTo(5);
        assertThat(token.addresses()).containsExactlyElementsOf(twoAddresses());
        assertThat(token).isEqualTo(golden());
    }

    @Test
    void shouldRoundTripWhenCreatedWithRandomId() {
        InviteToken token = invite(ALICE, 0, 42);

        assertThat(InviteToken.parse(token.text()).token()).isEqualTo(token);
        assertThat(InviteToken.decode(token.encoded()).token()).isEqualTo(token);
        assertThat(invite(ALICE, 0, 43).inviteIdHex()).isNotEqualTo(token.inviteIdHex());
    }

    @Test
    void shouldParseWhenChatClientWrapsLinesAddsSpacesAndCapitalisesPrefix() {
        String text = GOLDEN_TEXT;
        String mangled = "  \n" + "Elara-Invite1:" + text.substring(14, 60) + "\r\n" + text.substring(60, 120)
                + "\u200B" + text.substring(120, 180) + " \t" + text.substring(180) + "\n\n";

        assertThat(InviteToken.parse(mangled).token()).isEqualTo(golden());
    }

    @Test
    void shouldRoundTripWhenAddressesAreIpv6AndEightOfThem() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < InviteToken.CANDIDATES_MAX - 1; i++) {
            addresses.add(address("2001:db8::" + (i + 1), 5000 + i));
        }
        addresses.add(address("203.0.113.5", 65535));
        InviteToken token = InviteToken.create(CREATOR, SESSION, "lobby", addresses, TOMORROW, 0, seededRandom(1));

        assertThat(InviteToken.parse(token.text()).token().addresses()).containsExactlyElementsOf(addresses);
    }

    @Test
    void shouldRefuseToCreateWhenAnyFieldIsPastItsBound() {
        List<InetSocketAddress> nine = new ArrayList<>();
        for (int i = 0; i < InviteToken.CANDIDATES_MAX + 1; i++) {
            nine.add(address("192.0.2." + (i + 1), 4000));
        }
        assertThatThrownBy(() -> InviteToken.create(CREATOR, SESSION, "lobby", nine, TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        InviteToken.create(CREATOR, SESSION, "x".repeat(65), List.of(), TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InviteToken.create(CREATOR, SESSION, "", List.of(), TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> InviteToken.create(CREATOR, SESSION, " lobby", List.of(), TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        InviteToken.create(CREATOR, SESSION, "lob\u001b[2Jby", List.of(), TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        InviteToken.create(CREATOR, SESSION, "lobby", List.of(), TOMORROW, 65_536, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InviteToken.create(
                        CREATOR, SESSION, "lobby", List.of(address("192.0.2.1", 0)), TOMORROW, 0, seededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        // The bounds themselves are accepted.
        InviteToken widest =
                InviteToken.create(CREATOR, SESSION, "é".repeat(32), List.of(), TOMORROW, 65_535, seededRandom(1));
        assertThat(InviteToken.parse(widest.text()).token().sessionName()).isEqualTo("é".repeat(32));
        assertThat(widest.maxUses()).isEqualTo(65_535);
    }

    @Test
    void shouldCarryUnknownCandidateTypesUnchangedWhenALaterVersionAddsThem() {
        InviteCandidate ice = InviteCandidate.read(7, "candidate:1 1 udp".getBytes(StandardCharsets.US_ASCII))
                .orElseThrow();
        InviteToken token =
                InviteToken.create(CREATOR, SESSION, "lobby", List.of(ice), TOMORROW.toEpochMilli(), 0, new byte[16]);

        InviteToken parsed = InviteToken.parse(token.text()).token();
        assertThat(parsed.candidates()).containsExactly(ice);
        assertThat(parsed.addresses()).isEmpty();
        assertThat(parsed.encoded()).isEqualTo(token.encoded());
    }

    @Test
    void shouldSayExpiredAndHowLongAgoWhenVerifiedAfterExpiry() {
        InviteToken token = golden();

        assertThat(token.verify(NOW)).isEqualTo(InviteReject.NONE);
        assertThat(token.verify(TOMORROW.minusMillis(1))).isEqualTo(InviteReject.NONE);
        assertThat(token.verify(TOMORROW)).isEqualTo(InviteReject.INVITE_EXPIRED);
        assertThat(token.describe(TOMORROW.plusSeconds(2 * 3600)))
                .isEqualTo("invite to 'lobby' from " + CREATOR.nodeId().shortForm() + ", expired 2 hours ago");
        assertThat(token.describe(NOW))
                .isEqualTo("invite to 'lobby' from " + CREATOR.nodeId().shortForm() + ", expires in 24 hours");
    }

    @Test
    void shouldRejectWithPrefixWhenTextIsNotAnInvite() {
        assertThat(InviteToken.parse("").reject()).isEqualTo(InviteReject.INVITE_PREFIX);
        assertThat(InviteToken.parse("hello there").reject()).isEqualTo(InviteReject.INVITE_PREFIX);
        assertThat(InviteToken.parse(GOLDEN_TEXT.substring(14)).reject()).isEqualTo(InviteReject.INVITE_PREFIX);
        assertThat(InviteToken.parse("elara-invite2:" + GOLDEN_TEXT.substring(14))
                        .reject())
                .isEqualTo(InviteReject.INVITE_PREFIX);
    }

    @Test
    void shouldRejectAsTooLongWhenTwoInvitesOrAHugePasteArrive() {
        String body = "A".repeat(InviteToken.TEXT_LENGTH_MAX - InviteToken.TEXT_PREFIX.length());
        assertThat(InviteToken.parse(InviteToken.TEXT_PREFIX + body).reject())
                .isNotEqualTo(InviteReject.INVITE_TOO_LONG);
        assertThat(InviteToken.parse(InviteToken.TEXT_PREFIX + body + "A").reject())
                .isEqualTo(InviteReject.INVITE_TOO_LONG);
        assertThat(InviteToken.parse(" ".repeat(10 * InviteToken.TEXT_LENGTH_MAX))
                        .reject())
                .isEqualTo(InviteReject.INVITE_TOO_LONG);
        assertThat(InviteToken.decode(new byte[InviteToken.ENCODED_LENGTH_MAX + 1])
                        .reject())
                .isEqualTo(InviteReject.INVITE_TOO_LONG);
    }

    @Test
    void shouldRejectEncodingWhenTextHasForeignCharactersOrImpossibleLength() {
        assertThat(InviteToken.parse(GOLDEN_TEXT.substring(0, 40) + "+" + GOLDEN_TEXT.substring(41))
                        .reject())
                .isEqualTo(InviteReject.INVITE_ENCODING);
        assertThat(InviteToken.parse(GOLDEN_TEXT + "=").reject()).isEqualTo(InviteReject.INVITE_ENCODING);
        // 216 characters + 1: no byte string has a base64 form of length 4k + 1.
        assertThat(InviteToken.parse(GOLDEN_TEXT + "A").reject()).isEqualTo(InviteReject.INVITE_ENCODING);
        // "AB" and "AA" would decode to the same byte were the unused bits ignored.
        assertThat(InviteToken.parse("elara-invite1:AB").reject()).isEqualTo(InviteReject.INVITE_ENCODING);
    }

    @Test
    void shouldRejectVersionWhenFirstByteIsNotOne() {
        byte[] bytes = golden().encoded();
        bytes[0] = 2;

        assertThat(InviteToken.decode(bytes).reject()).isEqualTo(InviteReject.INVITE_VERSION);
        assertThat(InviteToken.parse(textOf(bytes)).reject()).isEqualTo(InviteReject.INVITE_VERSION);
    }

    @Test
    void shouldRejectMalformedWhenFieldsDisagreeWithLength() {
        byte[] golden = golden().encoded();
        int name = InviteToken.NAME_LENGTH_OFFSET;
        int count = name + 1 + 5;
        int firstCandidate = count + 1;

        assertThat(InviteToken.decode(new byte[0]).reject()).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(InviteToken.decode(Arrays.copyOf(golden, golden.length - 1)).reject())
                .isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(InviteToken.decode(Arrays.copyOf(golden, golden.length + 1)).reject())
                .isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(InviteToken.decode(Arrays.copyOf(golden, InviteToken.ENCODED_LENGTH_MIN - 1))
                        .reject())
                .isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(decodeWith(golden, name, 0)).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(decodeWith(golden, name, InviteToken.NAME_LENGTH_MAX + 1)).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(decodeWith(golden, name + 1, 0xC0)).isEqualTo(InviteReject.INVITE_MALFORMED); // not UTF-8
        assertThat(decodeWith(golden, name + 1, 0x07)).isEqualTo(InviteReject.INVITE_MALFORMED); // control
        assertThat(decodeWith(golden, count, InviteToken.CANDIDATES_MAX + 1)).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(decodeWith(golden, count, 3)).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(decodeWith(golden, firstCandidate, 0)).isEqualTo(InviteReject.INVITE_MALFORMED); // type 0
        assertThat(decodeWith(golden, firstCandidate, InviteCandidate.TYPE_IPV6))
                .isEqualTo(InviteReject.INVITE_MALFORMED); // 6-byte body for IPv6
        assertThat(decodeWith(golden, firstCandidate + 1, 7)).isEqualTo(InviteReject.INVITE_MALFORMED);
        assertThat(InviteCandidate.read(
                        InviteCandidate.TYPE_IPV6, HEX.parseHex("00000000000000000000ffffc000020a0fa0")))
                .as("an IPv4-mapped IPv6 address has an IPv4 entry of its own")
                .isEmpty();
        assertThat(InviteCandidate.read(InviteCandidate.TYPE_IPV4, HEX.parseHex("c000020a0000")))
                .as("port 0 reaches no one")
                .isEmpty();
    }

    @Test
    void shouldRejectSignatureWhenSignedByAnotherNodeOrAltered() {
        byte[] bytes = golden().encoded();
        // Alice's id in place of the creator's: the creator's signature does not verify under Alice's key.
        ALICE.nodeId().copyTo(bytes, InviteToken.INVITER_OFFSET);
        assertThat(InviteToken.decode(bytes).reject()).isEqualTo(InviteReject.INVITE_SIGNATURE);

        byte[] longer = golden().encoded();
        longer[InviteToken.MAX_USES_OFFSET + 1] = 50;
        assertThat(InviteToken.decode(longer).reject()).isEqualTo(InviteReject.INVITE_SIGNATURE);
    }

    @Test
    void shouldNeverAcceptWhenAnyByteIsFlipped() {
        byte[] golden = golden().encoded();
        for (int i = 0; i < golden.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] tampered = golden.clone();
                tampered[i] ^= (byte) mask;
                InviteToken.Decoded decoded = InviteToken.decode(tampered);
                assertThat(decoded.accepted())
                        .as("byte %d flipped with %02x: %s", i, mask, decoded.reject())
                        .isFalse();
            }
        }
    }

    @Test
    void shouldNeverAcceptWhenAnyCharacterOfTheTextIsChanged() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int prefix = InviteToken.TEXT_PREFIX.length();
        for (int i = prefix; i < GOLDEN_TEXT.length(); i++) {
            char original = GOLDEN_TEXT.charAt(i);
            char replacement = alphabet.charAt((alphabet.indexOf(original) + 1 + i % 63) % 64);
            String tampered = GOLDEN_TEXT.substring(0, i) + replacement + GOLDEN_TEXT.substring(i + 1);
            assertThat(InviteToken.parse(tampered).accepted())
                    .as("character %d changed from %s to %s", i, original, replacement)
                    .isFalse();
        }
    }

    @Test
    void shouldHaveLabelAndDescriptionForEveryReason() {
        for (InviteReject reason : InviteReject.values()) {
            assertThat(reason.label()).matches("[a-z_]+");
            assertThat(reason.description()).isNotBlank();
        }
    }

    private static InviteReject decodeWith(byte[] golden, int offset, int value) {
        byte[] bytes = golden.clone();
        bytes[offset] = (byte) value;
        return InviteToken.decode(bytes).reject();
    }

    private static String textOf(byte[] bytes) {
        return InviteToken.TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
