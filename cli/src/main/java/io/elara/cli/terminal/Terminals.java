package io.elara.cli.terminal;

import java.io.Console;
import java.lang.reflect.Method;

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
}
