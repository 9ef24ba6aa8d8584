package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.chat.StatusLine.Kind;
import io.elara.cli.chat.StatusLine.Part;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    private static final String TYPING_UNICODE = "alice is typing" + Glyphs.UNICODE.ellipsis();
    private static final String TYPING_ASCII = "alice is typing" + Glyphs.ASCII.ellipsis();

    private static StatusLine line(String typing) {
        return new StatusLine(
                " elara: bob | team",
                List.of(
                        new Part(Kind.MEMBERS, "(3 members)"),
                        new Part(Kind.LINKS, "alice 1.2ms, carol 38ms 3% relay"),
                        new Part(Kind.UNREAD, "unread ops:2"),
                        new Part(Kind.TYPING, typing)));
    }

    @Test
    void shouldShowTheWholeLineWhenItFits() {
        String whole =
                " elara: bob | team (3 members) | alice 1.2ms, carol 38ms 3% relay | unread ops:2 | " + TYPING_UNICODE;
        assertThat(line(TYPING_UNICODE).fit(100, Glyphs.UNICODE)).isEqualTo(whole);
        assertThat(line(TYPING_UNICODE).render()).isEqualTo(whole);
    }

    @Test
    void shouldDropLinkQualityThenUnreadThenMembersThenTypingToFitNarrowerWidths() {
        // 80: the link quality goes first, and what is left fits.
        assertThat(line(TYPING_UNICODE).fit(80, Glyphs.UNICODE))
                .isEqualTo(" elara: bob | team (3 members) | unread ops:2 | " + TYPING_UNICODE);
        assertThat(line(TYPING_ASCII).fit(80, Glyphs.ASCII))
                .isEqualTo(" elara: bob | team (3 members) | unread ops:2 | " + TYPING_ASCII);
        // 40: unread and the member count go too; who is typing stays.
        assertThat(line(TYPING_UNICODE).fit(40, Glyphs.UNICODE)).isEqualTo(" elara: bob | team | " + TYPING_UNICODE);
        assertThat(line(TYPING_ASCII).fit(40, Glyphs.ASCII)).isEqualTo(" elara: bob | team | " + TYPING_ASCII);
        // 20: only the node and the session are left.
        assertThat(line(TYPING_UNICODE).fit(20, Glyphs.UNICODE)).isEqualTo(" elara: bob | team");
        assertThat(line(TYPING_ASCII).fit(20, Glyphs.ASCII)).isEqualTo(" elara: bob | team");
    }

    @Test
    void shouldKeepWhoIsSpeakingLongerThanTheMemberCountButNotLongerThanWhoIsTyping() {
        for (Glyphs glyphs : List.of(Glyphs.UNICODE, Glyphs.ASCII)) {
            String speaking = glyphs.speaking() + "alice";
            String typing = "carol is typing" + glyphs.ellipsis();
            StatusLine line = new StatusLine(
                    " elara: bob | team",
                    List.of(
                            new Part(Kind.MEMBERS, "(3 members)"),
                            new Part(Kind.SPEAKING, speaking),
                            new Part(Kind.TYPING, typing)));
            String all = " elara: bob | team (3 members) | " + speaking + " | " + typing;
            assertThat(line.fit(all.codePointCount(0, all.length()), glyphs)).isEqualTo(all);
            String noMembers = " elara: bob | team | " + speaking + " | " + typing;
            assertThat(line.fit(noMembers.codePointCount(0, noMembers.length()), glyphs))
                    .isEqualTo(noMembers);
            assertThat(line.fit(noMembers.codePointCount(0, noMembers.length()) - 1, glyphs))
                    .isEqualTo(" elara: bob | team | " + typing);
        }
        assertThat(Glyphs.ASCII.speaking()).as("ASCII only").matches("\\p{ASCII}+");
    }

    @Test
    void shouldCutTheNodeAndSessionWithAMarkTheTerminalCanShowWhenEvenTheyDoNotFit() {
        StatusLine longSession = new StatusLine(
                " elara: bob | release-planning-2027",
                List.of(new Part(Kind.MEMBERS, "(12 members)"), new Part(Kind.TYPING, TYPING_UNICODE)));
        assertThat(longSession.fit(20, Glyphs.UNICODE)).isEqualTo(" elara: bob | relea…");
        assertThat(longSession.fit(20, Glyphs.ASCII)).isEqualTo(" elara: bob | relea~");
        assertThat(longSession.fit(40, Glyphs.UNICODE)).isEqualTo(" elara: bob | release-planning-2027");
        assertThat(longSession.fit(80, Glyphs.UNICODE))
                .isEqualTo(" elara: bob | release-planning-2027 (12 members) | " + TYPING_UNICODE);
    }

    @Test
    void shouldNeverBeWiderThanTheWidthNorSplitACharacter() {
        StatusLine emoji =
                new StatusLine(" elara: bob | 🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀", List.of(new Part(Kind.UNREAD, "unread x:1")));
        for (int width = 0; width <= 40; width++) {
            for (Glyphs glyphs : List.of(Glyphs.UNICODE, Glyphs.ASCII)) {
                String fitted = emoji.fit(width, glyphs);
                assertThat(fitted.codePointCount(0, fitted.length()))
                        .as("width %d", width)
                        .isLessThanOrEqualTo(width);
                assertThat(new String(fitted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                        .as("no half of a surrogate pair at width %d", width)
                        .isEqualTo(fitted);
            }
        }
        assertThat(emoji.fit(16, Glyphs.ASCII)).isEqualTo(" elara: bob | 🚀~");
    }
}
