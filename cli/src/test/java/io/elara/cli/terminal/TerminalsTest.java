package io.elara.cli.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalsTest {
    @Test
    void shouldReadTheTerminalsCharsetFromTheLocaleAsTheCLibraryDoes() {
        assertThat(Terminals.localeCharset(Map.of("LANG", "C.UTF-8"), "UTF-8")).isEqualTo(StandardCharsets.UTF_8);
        // LC_ALL overrides LANG, as in the C library: a C locale is ASCII even with LANG naming UTF-8.
        assertThat(Terminals.localeCharset(Map.of("LC_ALL", "C", "LANG", "C.UTF-8"), "ANSI_X3.4-1968"))
                .isEqualTo(StandardCharsets.US_ASCII);
        // A UTF-8 locale that is not installed (the JDK then reads ASCII) still means a UTF-8 terminal.
        assertThat(Terminals.localeCharset(Map.of("LANG", "en_GB.utf8"), "ANSI_X3.4-1968"))
                .isEqualTo(StandardCharsets.UTF_8);
        assertThat(Terminals.localeCharset(Map.of("LC_ALL", "", "LC_CTYPE", "de_DE.ISO-8859-1"), "ISO-8859-1"))
                .isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(Terminals.localeCharset(Map.of(), "ANSI_X3.4-1968")).isEqualTo(StandardCharsets.US_ASCII);
        assertThat(Terminals.localeCharset(Map.of(), "no-such-charset")).isEqualTo(StandardCharsets.US_ASCII);
    }
}
