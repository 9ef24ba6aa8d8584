package io.elara.cli.terminal;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Whether a person is at a terminal. */
public final class Terminals {
    private Terminals() {}

    /**
     * True when stdin and stdout are both a terminal. On Java 22 and later {@code System.console()} exists even when
     * redirected, so {@code Console.isTerminal()} (looked up reflectively: Elara compiles for 17) decides there.
     */
    @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() decides on Java 22 and later
    public static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 17 to 21: a console exists only for a terminal.
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * The charset the terminal is set up for, as the C library reads the locale: the first of {@code LC_ALL},
     * {@code LC_CTYPE} and {@code LANG} that is set decides. A locale that names UTF-8 means UTF-8 even where that
     * locale is not installed (the JDK then falls back to ASCII, but the terminal is still UTF-8); otherwise the JDK's
     * reading of the locale ({@code native.encoding}, ASCII for {@code C} or {@code POSIX}) stands.
     *
     * @param env the environment
     * @param nativeEncoding the {@code native.encoding} system property, or null
     */
    public static Charset localeCharset(Map<String, String> env, String nativeEncoding) {
        for (String variable : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String value = env.get(variable);
            if (value != null && !value.isEmpty()) {
                String lower = value.toLowerCase(Locale.ROOT);
                if (lower.contains("utf-8") || lower.contains("utf8")) {
                    return StandardCharsets.UTF_8;
                }
                break;
            }
        }
        if (nativeEncoding == null) {
            return Charset.defaultCharset();
        }
        try {
            return Charset.forName(nativeEncoding);
        } catch (IllegalArgumentException e) {
            // Unknown or unsupported by this JDK: ASCII is what every terminal shows.
            return StandardCharsets.US_ASCII;
        }
    }
}
