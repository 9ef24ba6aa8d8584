package io.elara.node.control;

import io.elara.node.NodeProxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invites of a config's {@code join:} list, used once the node runs: each session the node is not in yet is
 * joined. An inviter that does not answer (offline, or not reachable yet) is tried again every {@link #RETRY_MS} until
 * the node stops; a refusal (used up, expired, banned) or a bad invite is logged once and given up. A session the node
 * is in already counts as joined, so a restart joins nothing twice. One daemon thread, which waits on the loop through
 * {@link NodeProxy}: the node's state is touched on its loop thread only.
 */
public final class ConfigJoins implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigJoins.class);

    /** How long one join may take, as {@code elara join} allows by default. */
    static final long JOIN_WAIT_MS = 30_000;

    /** How long the thread waits before it tries an unanswered invite again. */
    static final long RETRY_MS = 30_000;

    private final Thread thread;
    private volatile boolean closed;

    private ConfigJoins(NodeProxy proxy, List<String> tokens) {
        this.thread = new Thread(() -> run(proxy, tokens), "elara-config-joins");
        thread.setDaemon(true);
    }

    /** Starts joining the sessions of {@code tokens}; null when there are none. */
    public static ConfigJoins start(NodeProxy proxy, List<String> tokens) {
        if (tokens.isEmpty()) {
            return null;
        }
        ConfigJoins joins = new ConfigJoins(proxy, tokens);
        joins.thread.start();
        return joins;
    }

    private void run(NodeProxy proxy, List<String> tokens) {
        boolean[] done = new boolean[tokens.size()];
        int left = tokens.size();
        try {
            while (left > 0 && !closed) {
                for (int i = 0; i < tokens.size() && !closed; i++) {
                    if (!done[i] && attempt(proxy, i, tokens.get(i))) {
                        done[i] = true;
                        left--;
                    }
                }
                if (left > 0) {
                    Thread.sleep(RETRY_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the node is stopping
        }
    }

    /** One try at invite {@code index}: true when it is settled (joined, in already, or refused for good). */
    private static boolean attempt(NodeProxy proxy, int index, String token) throws InterruptedException {
        CompletableFuture<String> joined =
                proxy.<String>call((core, nowNs, result) -> core.join(token, null, nowNs, result));
        try {
            String session = joined.get(JOIN_WAIT_MS + 5_000, TimeUnit.MILLISECONDS);
            LOG.info("joined session '{}' with the invite join[{}] of the config", session, index);
            return true;
        } catch (ExecutionException e) {
            String why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
            if (why != null && why.startsWith("this node is in session")) {
                LOG.debug("join[{}] of the config: {}", index, why);
                return true;
            }
            if (why != null && (why.startsWith("no answer") || why.startsWith("a join of"))) {
                LOG.warn("join[{}] of the config: {}; trying again in {} s", index, why, RETRY_MS / 1000);
                return false;
            }
            LOG.warn("join[{}] of the config: {}; not trying it again", index, why);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("join[{}] of the config: the node did not finish it in time; trying again", index);
            return false;
        }
    }

    /** Stops trying; a join under way finishes on the node's loop, or fails with it. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
