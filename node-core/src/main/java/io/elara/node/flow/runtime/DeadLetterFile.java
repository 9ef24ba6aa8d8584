package io.elara.node.flow.runtime;

import io.elara.node.flow.DeadLetter;
import io.elara.node.flow.FlowJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends dead letters, one JSON object per line, to {@code dead-letters.jsonl} in the data directory, on a writer
 * thread of its own: {@link #offer} never blocks. Bounded: {@link #QUEUE_MAX} letters waiting, {@link #BYTES_MAX}
 * bytes of file; beyond either, letters are counted and logged but not written.
 */
final class DeadLetterFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFile.class);
    static final String FILE_NAME = "dead-letters.jsonl";
    static final int QUEUE_MAX = 4096;
    static final long BYTES_MAX = 64L << 20;
    private static final long LOG_INTERVAL_NS = 1_000_000_000L;

    private final Path file;
    private final BlockingQueue<DeadLetter> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;
    private long lastLogNs = Long.MIN_VALUE;
    private long unlogged;

    DeadLetterFile(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE_NAME);
        this.writer = new Thread(this::write, "elara-dead-letters");
        writer.setDaemon(true);
        writer.start();
    }

    Path file() {
        return file;
    }

    /** Queues {@code letter} for the file and logs it (at most one line a second; the rest are summed). Any thread. */
    void offer(DeadLetter letter) {
        log(letter);
        if (!queue.offer(letter)) {
            lost.incrementAndGet();
        }
    }

    private synchronized void log(DeadLetter letter) {
        long now = System.nanoTime();
        if (lastLogNs != Long.MIN_VALUE && now - lastLogNs < LOG_INTERVAL_NS) {
            unlogged++;
            return;
        }
        LOG.warn(
                "flow {} {}: {} (kept in {}{})",
                letter.flow(),
                letter.step(),
                letter.reason(),
                file,
                unlogged > 0 ? "; " + unlogged + " more since the last such line" : "");
        lastLogNs = now;
        unlogged = 0;
    }

    long written() {
        return written.get();
    }

    long lost() {
        return lost.get();
    }

    private void write() {
        BufferedWriter out = null;
        long bytes = 0;
        try {
            while (!closing || !queue.isEmpty()) {
                DeadLetter letter = queue.poll(100, TimeUnit.MILLISECONDS);
                if (letter == null) {
                    continue;
                }
                String line = FlowJson.deadLetter(letter) + "\n";
                byte[] encoded = line.getBytes(StandardCharsets.UTF_8);
                try {
                    if (out == null) {
                        Files.createDirectories(file.getParent());
                        bytes = Files.exists(file) ? Files.size(file) : 0;
                        out = Files.newBufferedWriter(
                                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                    if (bytes + encoded.length > BYTES_MAX) {
                        lost.incrementAndGet();
                        continue;
                    }
                    out.write(line);
                    out.flush();
                    bytes += encoded.length;
                    written.incrementAndGet();
                } catch (IOException e) {
                    lost.incrementAndGet();
                    LOG.error("cannot write dead letters to {}: {}", file, e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debug("closing {}", file, e);
                }
            }
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lost.get() > 0) {
            LOG.warn("{} dead letters could not be kept in {} (queue or file full, or not writable)", lost.get(), file);
        }
    }
}
