package io.elara.node.config;

/**
 * How hard the node's database works to keep a commit across a power loss ({@code storage.durability}).
 *
 * <p>{@link #FULL} (the default) syncs the write-ahead log at every commit: an event acknowledged as stored survives
 * a power cut. {@link #NORMAL} syncs only at checkpoints: a crash of the process loses nothing, but a power cut or a
 * kernel crash may lose the last commits, which peers were told were stored. Measured in {@code docs/BENCHMARKS.md}
 * (persistence): NORMAL writes about a third more events per second.
 */
public enum Durability {
    FULL("full"),
    NORMAL("normal");

    private final String word;

    Durability(String word) {
        this.word = word;
    }

    /** The YAML value. */
    public String word() {
        return word;
    }

    /** The value named {@code word}, or null. */
    public static Durability of(String word) {
        for (Durability durability : values()) {
            if (durability.word.equals(word)) {
                return durability;
            }
        }
        return null;
    }
}
