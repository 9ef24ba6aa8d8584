package io.elara.node;

import io.elara.node.event.EventId;
import java.util.List;
import java.util.Map;

/**
 * What became of one sent message.
 *
 * @param id the event's id
 * @param acknowledgedBy recipients that acknowledged it
 * @param failures recipients that did not, each with a one-line reason
 */
public record SendResult(EventId id, List<String> acknowledgedBy, Map<String, String> failures) {
    public SendResult {
        acknowledgedBy = List.copyOf(acknowledgedBy);
        failures = Map.copyOf(failures);
    }

    public boolean allAcknowledged() {
        return failures.isEmpty();
    }
}
