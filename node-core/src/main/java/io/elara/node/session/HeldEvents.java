package io.elara.node.session;

import io.elara.crdt.sync.DotRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dots of a session's numbered events this node holds: for each author (by its key, the first 8 bytes of its id)
 * the counters of its events held, as a prefix 1..n with no gap plus the runs held beyond a gap. This is the version
 * vector with its dot cloud (the crdt module's causal context) kept mutable, so that recording an event that arrives in
 * order costs one comparison and no allocation; {@link #summary} gives the part a {@code sync} carries, {@link
 * #missingFrom} the ranges the other side lacks. It covers every event of the session held, in memory or on disk,
 * not just the recent log.
 *
 * <p>Owned by the loop thread.
 */
public final class HeldEvents {
    /** Runs beyond a gap kept per author at most; a dot past that many gaps is not recorded (it is offered again). */
    public static final int RUNS_MAX = 4096;

    /**
     * What a member holds of one author's events: every counter up to {@code prefix}, and the ranges in {@code
     * beyond} (sorted, disjoint, each starting past {@code prefix + 1}).
     */
    public record Summary(long prefix, List<DotRange> beyond) {
        public Summary {
            if (prefix < 0) {
                throw new IllegalArgumentException("negative prefix");
            }
            beyond = List.copyOf(beyond);
            long after = prefix + 1;
            for (DotRange range : beyond) {
                if (range.first() <= after) {
                    throw new IllegalArgumentException("ranges must be sorted, disjoint and past the prefix");
                }
                after = range.last() + 1;
            }
        }

        /** The largest counter listed. */
        public long max() {
            return beyond.isEmpty() ? prefix : beyond.get(beyond.size() - 1).last();
        }
    }

    private static final class Author {
        long prefix;
        /** First counter of each run beyond the prefix, to its last. */
        TreeMap<Long, Long> runs;
    }

    private final Map<Long, Author> authors = new HashMap<>();
    /** The author of the last event added: a run of one author's events costs no map lookup (nor a boxed key). */
    private long lastKey;

    private Author last;

    /** Records the event {@code author}:{@code counter}; false when it was already held (or counter is 0). */
    public boolean add(long author, long counter) {
        if (counter <= 0) {
            return false;
        }
        Author held;
        if (last != null && lastKey == author) {
            held = last;
        } else {
            held = authors.computeIfAbsent(author, key -> new Author());
            last = held;
            lastKey = author;
        }
        if (counter <= held.prefix) {
            return false;
        }
        if (counter == held.prefix + 1) {
            held.prefix = counter;
            if (held.runs != null) {
                Long last = held.runs.remove(counter + 1);
                if (last != null) {
                    held.prefix = last;
                }
                if (held.runs.isEmpty()) {
                    held.runs = null;
                }
            }
            return true;
        }
        if (held.runs == null) {
            held.runs = new TreeMap<>();
        }
        Map.Entry<Long, Long> before = held.runs.floorEntry(counter);
        if (before != null && before.getValue() >= counter) {
            return false;
        }
        Long nextLast = held.runs.get(counter + 1);
        boolean joinsBefore = before != null && before.getValue() == counter - 1;
        if (joinsBefore) {
            held.runs.put(before.getKey(), nextLast != null ? nextLast : counter);
            if (nextLast != null) {
                held.runs.remove(counter + 1);
            }
        } else if (nextLast != null) {
            held.runs.remove(counter + 1);
            held.runs.put(counter, nextLast);
        } else {
            if (held.runs.size() >= RUNS_MAX) {
                return false;
            }
            held.runs.put(counter, counter);
        }
        return true;
    }

    /**
     * Takes {@code author}:{@code counter} out again (the event's journal write failed, so this node does not hold it
     * after all); false when it was not held.
     */
    public boolean remove(long author, long counter) {
        if (!contains(author, counter)) {
            return false;
        }
        Author held = authors.get(author);
        if (counter <= held.prefix) {
            long oldPrefix = held.prefix;
            held.prefix = counter - 1;
            if (counter < oldPrefix) {
                if (held.runs == null) {
                    held.runs = new TreeMap<>();
                }
                held.runs.put(counter + 1, oldPrefix);
            }
            return true;
        }
        Map.Entry<Long, Long> run = held.runs.floorEntry(counter);
        held.runs.remove(run.getKey());
        if (run.getKey() < counter) {
            held.runs.put(run.getKey(), counter - 1);
        }
        if (counter < run.getValue()) {
            held.runs.put(counter + 1, run.getValue());
        }
        if (held.runs.isEmpty()) {
            held.runs = null;
        }
        return true;
    }

    /** Records every dot of {@code other}. */
    public void addAll(HeldEvents other) {
        for (Map.Entry<Long, Author> entry : other.authors.entrySet()) {
            long author = entry.getKey();
            Author theirs = entry.getValue();
            for (long counter = 1; counter <= theirs.prefix; counter++) {
                add(author, counter);
            }
            if (theirs.runs != null) {
                for (Map.Entry<Long, Long> run : theirs.runs.entrySet()) {
                    for (long counter = run.getKey(); counter <= run.getValue(); counter++) {
                        add(author, counter);
                    }
                }
            }
        }
    }

    /** True when {@code author}:{@code counter} is held. */
    public boolean contains(long author, long counter) {
        Author held = authors.get(author);
        if (held == null || counter <= 0) {
            return false;
        }
        if (counter <= held.prefix) {
            return true;
        }
        if (held.runs == null) {
            return false;
        }
        Map.Entry<Long, Long> run = held.runs.floorEntry(counter);
        return run != null && run.getValue() >= counter;
    }

    /** The largest counter held for {@code author}; 0 when none. */
    public long max(long author) {
        Author held = authors.get(author);
        if (held == null) {
            return 0;
        }
        return held.runs == null ? held.prefix : held.runs.lastEntry().getValue();
    }

    /** The author keys with at least one event held. */
    public Set<Long> authors() {
        return Collections.unmodifiableSet(authors.keySet());
    }

    /** Dots held in all (a count, for status and tests). */
    public long size() {
        long size = 0;
        for (Author held : authors.values()) {
            size += held.prefix;
            if (held.runs != null) {
                for (Map.Entry<Long, Long> run : held.runs.entrySet()) {
                    size += run.getValue() - run.getKey() + 1;
                }
            }
        }
        return size;
    }

    /**
     * What is held of {@code author}'s events, with at most {@code rangesMax} runs beyond the prefix (the first ones:
     * the other side then offers the later runs again, which costs duplicates, not gaps).
     */
    public Summary summary(long author, int rangesMax) {
        Author held = authors.get(author);
        if (held == null) {
            return new Summary(0, List.of());
        }
        List<DotRange> beyond = new ArrayList<>();
        if (held.runs != null) {
            for (Map.Entry<Long, Long> run : held.runs.entrySet()) {
                if (beyond.size() >= rangesMax) {
                    break;
                }
                beyond.add(new DotRange(author, run.getKey(), run.getValue()));
            }
        }
        return new Summary(held.prefix, beyond);
    }

    /**
     * The ranges of {@code author}'s events held here that a member holding {@code theirs} (null: none) lacks, in
     * counter order, covering {@code dotsMax} dots at most.
     */
    public List<DotRange> missingFrom(long author, Summary theirs, long dotsMax) {
        Author held = authors.get(author);
        List<DotRange> missing = new ArrayList<>();
        if (held == null || dotsMax <= 0) {
            return missing;
        }
        List<long[]> mine = new ArrayList<>();
        if (held.prefix > 0) {
            mine.add(new long[] {1, held.prefix});
        }
        if (held.runs != null) {
            for (Map.Entry<Long, Long> run : held.runs.entrySet()) {
                mine.add(new long[] {run.getKey(), run.getValue()});
            }
        }
        List<long[]> their = new ArrayList<>();
        if (theirs != null) {
            if (theirs.prefix() > 0) {
                their.add(new long[] {1, theirs.prefix()});
            }
            for (DotRange range : theirs.beyond()) {
                their.add(new long[] {range.first(), range.last()});
            }
        }
        long budget = dotsMax;
        int j = 0;
        for (long[] run : mine) {
            long start = run[0];
            while (start <= run[1] && budget > 0) {
                while (j < their.size() && their.get(j)[1] < start) {
                    j++;
                }
                long end = run[1];
                if (j < their.size() && their.get(j)[0] <= start) {
                    start = their.get(j)[1] + 1; // they hold this part
                    continue;
                }
                if (j < their.size()) {
                    end = Math.min(end, their.get(j)[0] - 1);
                }
                end = Math.min(end, start + budget - 1);
                missing.add(new DotRange(author, start, end));
                budget -= end - start + 1;
                start = end + 1;
            }
        }
        return missing;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("HeldEvents[");
        for (Map.Entry<Long, Author> entry : new TreeMap<>(authors).entrySet()) {
            out.append(Long.toHexString(entry.getKey()))
                    .append('=')
                    .append(entry.getValue().prefix)
                    .append(Objects.toString(entry.getValue().runs, ""))
                    .append(' ');
        }
        return out.append(']').toString();
    }
}
