package io.elara.node.lane;

import java.util.ArrayList;
import java.util.List;

/** Records what a lane reported. */
final class RecordingReceipt implements SendReceipt {
    final List<String> acknowledged = new ArrayList<>();
    final List<String> failed = new ArrayList<>();

    @Override
    public void acknowledged(String peer) {
        acknowledged.add(peer);
    }

    @Override
    public void failed(String peer, String reason) {
        failed.add(peer + ": " + reason);
    }
}
