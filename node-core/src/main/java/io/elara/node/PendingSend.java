package io.elara.node;

import io.elara.node.event.EventId;
import io.elara.node.lane.SendReceipt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Collects each recipient's answer for one sent event and completes its future when all have answered. */
final class PendingSend implements SendReceipt {
    private final EventId id;
    private final EventJournal journal;
    private final List<String> acknowledged = new ArrayList<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final CompletableFuture<SendResult> result;
    private int outstanding;

    PendingSend(EventId id, int recipients, CompletableFuture<SendResult> result) {
        this(id, recipients, false, result);
    }

    /**
     * @param awaitStore whether the result also waits for this node's own commit of the event ({@link #stored}): an
     *     event is not reported as sent before it is durable here
     */
    PendingSend(EventId id, int recipients, boolean awaitStore, CompletableFuture<SendResult> result) {
        this(id, recipients, awaitStore, result, null);
    }

    /**
     * @param journal told of each recipient's acknowledgement, so that its mailbox entry goes; null when the event has
     *     none
     */
    PendingSend(
            EventId id,
            int recipients,
            boolean awaitStore,
            CompletableFuture<SendResult> result,
            EventJournal journal) {
        this.journal = journal;
        this.id = id;
        this.result = result;
        this.outstanding = recipients + (awaitStore ? 1 : 0);
        if (outstanding == 0) {
            complete();
        }
    }

    /** This node committed the event to its journal. */
    void stored() {
        answered();
    }

    /** This node could not commit the event: the send fails, whatever the recipients say. */
    void storeFailed(String reason) {
        failures.put("this node", reason);
        answered();
    }

    @Override
    public void acknowledged(String peer) {
        if (journal != null) {
            journal.delivered(id, peer);
        }
        acknowledged.add(peer);
        answered();
    }

    @Override
    public void failed(String peer, String reason) {
        failures.put(peer, reason);
        answered();
    }

    private void answered() {
        if (--outstanding == 0) {
            complete();
        }
    }

    private void complete() {
        result.complete(new SendResult(id, acknowledged, failures));
    }
}
