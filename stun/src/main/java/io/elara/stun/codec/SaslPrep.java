package io.elara.stun.codec;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013), the stringprep profile STUN applies to passwords (RFC 8489 section 9.2.2; RFC 5769 section 2.4
 * tests it): non-ASCII spaces become U+0020, characters "commonly mapped to nothing" are removed, the result is NFKC
 * normalized, and prohibited or unassigned characters and broken bidirectional text are refused. Stored strings
 * (passwords from a config file) are checked as RFC 4013 says for them: unassigned code points are refused too.
 */
public final class SaslPrep {
    private SaslPrep() {}

    /** {@code text} prepared, or throws {@link IllegalArgumentException} naming the character that is not allowed. */
    public static String prepare(String text) {
        StringBuilder mapped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (mappedToNothing(c)) {
                return;
            }
            mapped.appendCodePoint(nonAsciiSpace(c) ? ' ' : c);
        });
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean randAl = false;
        boolean l = false;
        int[] codePoints = normalized.codePoints().toArray();
        for (int c : codePoints) {
            if (prohibited(c)) {
                throw new IllegalArgumentException(
                        String.format(java.util.Locale.ROOT, "U+%04X is not allowed in a STUN password (RFC 4013)", c));
            }
            byte direction = Character.getDirectionality(c);
            randAl |= direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                    || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            l |= direction == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (randAl && (l || !isRandAl(codePoints[0]) || !isRandAl(codePoints[codePoints.length - 1]))) {
            throw new IllegalArgumentException(
                    "right-to-left text in a STUN password must not mix with left-to-right text (RFC 3454 section 6)");
        }
        return normalized;
    }

    private static boolean isRandAl(int c) {
        byte direction = Character.getDirectionality(c);
        return direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int c) {
        return c == 0x00AD
                || c == 0x034F
                || c == 0x1806
                || (c >= 0x180B && c <= 0x180D)
                || (c >= 0x200B && c <= 0x200D)
                || c == 0x2060
                || (c >= 0xFE00 && c <= 0xFE0F)
                || c == 0xFEFF;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean nonAsciiSpace(int c) {
        return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** RFC 4013 section 2.3 (tables C.1.2 to C.9) and unassigned code points. */
    private static boolean prohibited(int c) {
        return nonAsciiSpace(c)
                || c < 0x20
                || c == 0x7F
                || (c >= 0x80 && c <= 0x9F) // C.2.1, C.2.2
                || c == 0x06DD
                || c == 0x070F
                || c == 0x180E
                || (c >= 0x200C && c <= 0x200F) // C.2.2 joiners, C.8 marks
                || (c >= 0x2028 && c <= 0x202E) // C.2.2, C.8
                || (c >= 0x2060 && c <= 0x206F) // C.2.2, C.8
                || c == 0xFEFF
                || (c >= 0xFFF9 && c <= 0xFFFD) // C.2.2, C.6
                || (c >= 0x1D173 && c <= 0x1D17A)
                || Character.getType(c) == Character.PRIVATE_USE // C.3
                || Character.getType(c) == Character.SURROGATE // C.5
                || (c >= 0xFDD0 && c <= 0xFDEF)
                || (c & 0xFFFE) == 0xFFFE // C.4 non-characters
                || (c >= 0x2FF0 && c <= 0x2FFB) // C.7
                || c == 0xE0001
                || (c >= 0xE0020 && c <= 0xE007F) // C.9
                || !Character.isDefined(c);
    }
}
