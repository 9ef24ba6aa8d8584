package io.elara.testing;

import java.util.ArrayList;
import java.util.List;

/** What threads are alive: for tests that check a component stops every thread it started. */
public final class Threads {
    private Threads() {}

    /** The names of live threads whose name starts with {@code prefix}. */
    public static List<String> named(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(prefix) && thread.isAlive()) {
                names.add(thread.getName());
            }
        }
        return names;
    }
}
