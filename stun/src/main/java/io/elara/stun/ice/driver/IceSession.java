package io.elara.stun.ice.driver;

import io.elara.stun.ice.IceCandidate;
import io.elara.stun.ice.IceDescription;
import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.StunCandidateHarvester;

/**
 * One ICE session with one peer, run by an ice4j {@link Agent}: gathers this side's candidates (host, and
 * server-reflexive from the given STUN servers) on a socket of its own, then, given the peer's description, runs the
 * connectivity checks (RFC 8445; the controlling side nominates) under a deadline, and hands back the selected
 * {@link Path}. Consent freshness (RFC 7675) runs on the selected pair for as long as the session is open; {@link
 * Path#consentAgeMs} tells how old the last confirmation is. {@link #close} frees the agent, its sockets and threads.
 *
 * <p>Blocking where ice4j blocks ({@link #gather} harvests synchronously): call it off any event loop.
 */
public final class IceSession implements AutoCloseable {
    /** The one stream and component Elara asks for: one UDP flow of datagrams. */
    private static final String STREAM = "elara";

    /** ice4j's loggers, held so their levels stick (java.util.logging keeps loggers weakly). */
    private static final List<Logger> QUIET = new ArrayList<>();

    static {
        // Before any ice4j class reads its configuration: never ask a cloud metadata address for a public mapping
        // (no traffic may leave for an address nobody configured), no link-local candidates, no SOFTWARE attribute, and
        // a server that does not answer costs 3 s of gathering, not 15.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.use-link-local-addresses", "false");
        System.setProperty("ice4j.harvest.timeout", "3 seconds");
        System.setProperty("ice4j.software", "");
        for (String name : List.of("org.ice4j", "org.jitsi")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIET.add(logger);
        }
    }

    private final Agent agent;
    private final Component component;
    private final IceDescription local;
    private final CompletableFuture<Path> selected = new CompletableFuture<>();

    private IceSession(Agent agent, Component component, IceDescription local) {
        this.agent = agent;
        this.component = component;
        this.local = local;
    }

    /**
     * Starts a session: an agent in the given role, with one component whose candidates are gathered now (host
     * addresses of every interface but loopback; a server-reflexive address from each of {@code stunServers}).
     *
     * @throws IOException when no candidate could be gathered (no usable interface, no port)
     */
    public static IceSession gather(boolean controlling, List<InetSocketAddress> stunServers) throws IOException {
        Agent agent = new Agent();
        boolean started = false;
        try {
            agent.setControlling(controlling);
            agent.setPerformConsentFreshness(true);
            for (InetSocketAddress server : stunServers) {
                agent.addCandidateHarvester(new StunCandidateHarvester(new TransportAddress(server, Transport.UDP)));
            }
            IceMediaStream stream = agent.createMediaStream(STREAM);
            Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
            List<IceCandidate> candidates = new ArrayList<>();
            for (LocalCandidate candidate : component.getLocalCandidates()) {
                IceCandidate.Type type = type(candidate.getType());
                if (type != null && candidates.size() < IceDescription.CANDIDATES_MAX) {
                    candidates.add(new IceCandidate(
                            type, candidate.getFoundation(), candidate.getPriority(), candidate.getTransportAddress()));
                }
            }
            if (candidates.isEmpty()) {
                throw new IOException("no ICE candidate: no interface but loopback is up");
            }
            IceSession session = new IceSession(
                    agent, component, new IceDescription(agent.getLocalUfrag(), agent.getLocalPassword(), candidates));
            started = true;
            return session;
        } finally {
            if (!started) {
                agent.free();
            }
        }
    }

    /** What the peer needs to check paths to this side. */
    public IceDescription local() {
        return local;
    }

    /** Whether this side nominates (the controlling agent). */
    public boolean controlling() {
        return agent.isControlling();
    }

    /**
     * Runs the connectivity checks against {@code remote}'s candidates. The future completes with the selected path
     * once the agent completes, or fails with a one-line reason: every pair failed, or nothing was selected within
     * {@code deadlineMs}. Call once.
     */
    public CompletableFuture<Path> connect(IceDescription remote, long deadlineMs) {
        IceMediaStream stream = component.getParentStream();
        stream.setRemoteUfrag(remote.ufrag());
        stream.setRemotePassword(remote.password());
        for (IceCandidate candidate : remote.candidates()) {
            component.addRemoteCandidate(new RemoteCandidate(
                    new TransportAddress(candidate.address(), Transport.UDP),
                    component,
                    type(candidate.type()),
                    candidate.foundation(),
                    candidate.priority(),
                    null));
        }
        agent.addStateChangeListener(this::onStateChange);
        agent.startConnectivityEstablishment();
        return selected.orTimeout(deadlineMs, TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            Throwable cause =
                    failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            return CompletableFuture.failedFuture(
                    cause instanceof TimeoutException
                            ? new IOException("no path selected within " + deadlineMs + " ms")
                            : cause);
        });
    }

    private void onStateChange(PropertyChangeEvent event) {
        if (!Agent.PROPERTY_ICE_PROCESSING_STATE.equals(event.getPropertyName())) {
            return;
        }
        Object state = event.getNewValue();
        if (state == IceProcessingState.COMPLETED || state == IceProcessingState.TERMINATED) {
            CandidatePair pair = component.getSelectedPair();
            if (pair == null) {
                selected.completeExceptionally(new IOException("the checks ended with no pair selected"));
            } else {
                selected.complete(new Path(component, pair));
            }
        } else if (state == IceProcessingState.FAILED) {
            selected.completeExceptionally(new IOException("every candidate pair failed its checks"));
        }
    }

    /** Frees the agent: its sockets, its checks and consent, its threads. The path, if any, stops working. */
    @Override
    public void close() {
        selected.completeExceptionally(new IOException("the ICE session was closed"));
        agent.free();
    }

    /**
     * The selected path: a socket of ice4j's (STUN is taken out of it by ice4j) and the peer's address on it. Send from
     * one thread at a time; receive from one other thread.
     */
    public static final class Path {
        private final Component component;
        private final CandidatePair pair;
        private final InetSocketAddress remote;
        private final DatagramSocket socket;
        private final DatagramPacket outgoing = new DatagramPacket(new byte[0], 0);

        private Path(Component component, CandidatePair pair) {
            this.component = component;
            this.pair = pair;
            this.remote = pair.getRemoteCandidate().getTransportAddress();
            this.socket = component.getSocket();
            outgoing.setSocketAddress(remote);
        }

        /** The peer's address on this path. */
        public InetSocketAddress remote() {
            return remote;
        }

        /** This side's address on this path (its host or reflexive candidate's). */
        public InetSocketAddress local() {
            return pair.getLocalCandidate().getTransportAddress();
        }

        /** The selected pair's types, such as {@code host -> srflx}. */
        public String kind() {
            return pair.getLocalCandidate().getType() + " -> "
                    + pair.getRemoteCandidate().getType();
        }

        /** Sends {@code length} bytes of {@code data} to the peer. */
        public void send(byte[] data, int length) throws IOException {
            outgoing.setData(data, 0, length);
            socket.send(outgoing);
        }

        /** Blocks for the peer's next datagram (never a STUN message); throws once the session is closed. */
        public void receive(DatagramPacket into) throws IOException {
            socket.receive(into);
        }

        /**
         * How long ago, in milliseconds before {@code nowMs} (wall clock), the peer last confirmed consent on this
         * path, or -1 before the first confirmation.
         */
        public long consentAgeMs(long nowMs) {
            long last = pair.getConsentFreshness();
            return last == CandidatePair.CONSENT_FRESHNESS_UNKNOWN ? -1 : Math.max(0, nowMs - last);
        }

        @Override
        public String toString() {
            return kind() + " " + local() + " -> " + remote + " (" + component.getName() + ")";
        }
    }

    private static IceCandidate.Type type(CandidateType type) {
        if (type == CandidateType.HOST_CANDIDATE) {
            return IceCandidate.Type.HOST;
        }
        if (type == CandidateType.SERVER_REFLEXIVE_CANDIDATE || type == CandidateType.STUN_CANDIDATE) {
            return IceCandidate.Type.SERVER_REFLEXIVE;
        }
        if (type == CandidateType.RELAYED_CANDIDATE) {
            return IceCandidate.Type.RELAYED;
        }
        return null; // peer-reflexive candidates are learned in checks, never gathered
    }

    private static CandidateType type(IceCandidate.Type type) {
        return switch (type) {
            case HOST -> CandidateType.HOST_CANDIDATE;
            case SERVER_REFLEXIVE -> CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            case PEER_REFLEXIVE -> CandidateType.PEER_REFLEXIVE_CANDIDATE;
            case RELAYED -> CandidateType.RELAYED_CANDIDATE;
        };
    }
}
