package io.elara.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.bench.DeliveryCounter;
import io.elara.cli.bench.ReceiverMark;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.NodeStatus;
import io.elara.node.config.ConfigException;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import io.elara.node.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench peer} (hidden): the receiving node of {@code bench throughput} and {@code bench latency}, run as
 * a child process by the benchmark, which speaks a line protocol with it over the child's stdin and stdout:
 *
 * <ul>
 *   <li>child: {@code ready PORT} once the node runs on {@code PORT} and counts deliveries;
 *   <li>parent {@code mark}, child: one JSON line, a {@code ReceiverMark} (deliveries and CPU time so far);
 *   <li>parent {@code report}, child: one JSON line, a {@code ReceiverReport} (checks and latencies);
 *   <li>end of stdin: the child closes its node and exits 0. So when the parent dies, even by {@code kill -9}, the
 *       child follows it instead of running on.
 * </ul>
 *
 * The identity key must be unprotected: the child has nobody to ask for a passphrase.
 */
@Command(
        name = "peer",
        hidden = true,
        description = "(internal) the receiving node of bench throughput and bench latency; talks on stdin/stdout")
public final class BenchPeerCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SUBSCRIBE_TIMEOUT_MS = 10_000;
    private static final long STATUS_TIMEOUT_MS = 10_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the receiver's config file")
    Path config;

    @Option(names = "--persist", description = "keep every event in the data directory's database")
    boolean persist;

    /** The counter's mark with the node's signature checks, which show how large the sender's signed batches were. */
    private static ReceiverMark mark(Node node, DeliveryCounter counter) throws InterruptedException {
        ReceiverMark mark = counter.mark();
        try {
            NodeStatus status = node.status().get(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return mark.withSignatureChecks(status.security().signatureChecks());
        } catch (ExecutionException | TimeoutException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "the receiver's node did not report its status: " + e, e);
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        NodeConfig nodeConfig;
        Identity identity;
        try {
            nodeConfig = ConfigLoader.load(config);
            identity = DataDirectory.of(nodeConfig).identity().identity();
        } catch (ConfigException e) {
            throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
        } catch (KeyFileException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
        Node node;
        try {
            node = Node.start(nodeConfig, identity, Node.Options.embedded().withPersistence(persist));
        } catch (NodeStartException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
        try {
            DeliveryCounter counter = new DeliveryCounter();
            try {
                node.proxy().subscribe(counter, 0).get(SUBSCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new ElaraUserException(ExitCode.FAILURE, "the receiver could not subscribe: " + e, e);
            }
            out.println("ready " + node.localAddress().getPort());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.strip()) {
                    case "mark" -> out.println(JSON.writeValueAsString(mark(node, counter)));
                    case "report" -> out.println(JSON.writeValueAsString(counter.report()));
                    default -> out.println("{\"error\":\"unknown request\"}");
                }
                out.flush();
            }
            return ExitCode.OK;
        } finally {
            node.close();
        }
    }
}
