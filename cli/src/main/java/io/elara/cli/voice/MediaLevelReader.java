package io.elara.cli.voice;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.control.ControlClient;
import io.elara.node.media.DegradationLevel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads what the node says on a {@code media-send} connection while the sender writes frames: the degradation level
 * lines ({@code {"level":L,"rung":R}}), which the sender follows, and the final answer.
 */
public final class MediaLevelReader {
    private volatile DegradationLevel level = DegradationLevel.FULL;
    private final List<String> history = new ArrayList<>();
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();

    private MediaLevelReader() {}

    /** Starts reading {@code client}'s lines on a daemon thread. */
    public static MediaLevelReader start(ControlClient client) {
        MediaLevelReader reader = new MediaLevelReader();
        Thread thread = new Thread(
                () -> {
                    try {
                        JsonNode line;
                        while ((line = client.next()) != null) {
                            if (line.has("level")) {
                                DegradationLevel now = DegradationLevel.parse(
                                        line.path("level").asText());
                                synchronized (reader.history) {
                                    reader.history.add(now.label());
                                }
                                reader.level = now;
                            } else {
                                reader.answers.add(line);
                            }
                        }
                    } catch (IOException | IllegalArgumentException e) {
                        // the connection closed or spoke nonsense: summary() reports it
                    }
                },
                "elara-media-levels");
        thread.setDaemon(true);
        thread.start();
        return reader;
    }

    /** The level the node last reported for the links this stream goes on. */
    public DegradationLevel level() {
        return level;
    }

    /** The levels reported, in order. */
    public List<String> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The node's answer to the end of the stream; waits up to 15 s. */
    public JsonNode summary() {
        try {
            JsonNode answer = answers.poll(15, TimeUnit.SECONDS);
            if (answer == null) {
                throw new ElaraUserException(ExitCode.FAILURE, "the node did not answer the end of the stream");
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElaraUserException(ExitCode.FAILURE, "interrupted", e);
        }
    }

    /** The node's answer to the end of the stream, or null when none came within {@code waitMs}. */
    public JsonNode answer(long waitMs) throws InterruptedException {
        return answers.poll(waitMs, TimeUnit.MILLISECONDS);
    }
}
