package io.elara.node.flow.runtime;

import io.elara.node.EventListener;
import io.elara.node.NodeProxy;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.channel.Message;
import io.elara.node.config.NodeConfig;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.dataflow.runtime.DataflowRuntime;
import io.elara.node.dataflow.runtime.ExecutionMode;
import io.elara.node.flow.DeadLetter;
import io.elara.node.flow.FlowEngine;
import io.elara.node.flow.FlowEvent;
import io.elara.node.flow.FlowIo;
import io.elara.node.flow.FlowJson;
import io.elara.node.flow.StepSpec;
import io.elara.node.pipeline.PipelineException;
import io.elara.node.pipeline.PipelineRunner;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.text.ExecRunner;
import io.elara.node.time.Clock;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's configured flows: a {@link FlowEngine} on a parked {@link DataflowRuntime} thread ({@code
 * elara-flows}), fed by a subscription to the node, with one worker thread per blocking step and the dead-letter file
 * in the data directory. Start it after the node, close it before.
 */
public final class FlowRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowRuntime.class);
    /** A parked flow loop wakes for input through notifiers; this is only a safety net. */
    private static final Duration PARK_MAX = Duration.ofMillis(250);

    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private final NodeProxy proxy;
    private final FlowEngine engine;
    private final DataflowRuntime runtime;
    private final Thread loop;
    private final EventListener listener;
    private final Io io;
    private final int flowCount;

    private FlowRuntime(
            NodeProxy proxy, FlowEngine engine, DataflowRuntime runtime, Thread loop, Io io, int flowCount) {
        this.flowCount = flowCount;
        this.proxy = proxy;
        this.engine = engine;
        this.runtime = runtime;
        this.loop = loop;
        this.io = io;
        this.listener = engine::offer;
    }

    /**
     * Starts the flows of {@code config} on {@code proxy}'s node, printing stdout steps to {@code stdout} (null: the
     * process's stdout).
     *
     * @throws IOException when the node does not take the subscription
     */
    public static FlowRuntime start(NodeConfig config, NodeProxy proxy, Clock clock, PrintStream stdout)
            throws IOException {
        Io io = new Io(proxy, config.dataDirectory(), stdout == null ? System.out : stdout);
        DataflowExecutor executor = new DataflowExecutor(clock);
        FlowEngine engine = new FlowEngine(
                config.flows(), executor, io, clock, config.limits().flowQueueMax());
        DataflowRuntime runtime = new DataflowRuntime(executor, clock, ExecutionMode.PARK, PARK_MAX);
        Thread loop = runtime.start("elara-flows");
        FlowRuntime flows =
                new FlowRuntime(proxy, engine, runtime, loop, io, config.flows().size());
        try {
            if (proxy.subscribe(flows.listener, 0).get(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) == null) {
                throw new IOException("the node has no room for the flows' subscription (limits.subscribers-max)");
            }
        } catch (ExecutionException | TimeoutException e) {
            flows.close();
            throw new IOException("the flows could not subscribe to the node: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flows.close();
            throw new IOException("interrupted while starting the flows", e);
        } catch (IOException e) {
            flows.close();
            throw e;
        }
        LOG.debug("{} flows running", config.flows().size());
        return flows;
    }

    /** What the flows have done so far. */
    public FlowEngine.Counters counters() {
        return engine.counters();
    }

    /**
     * The flows for {@code elara status}: {@code {"flows","entered","completed","deadLetters","inputDropped",
     * "deadLetterFile"}}. Any thread.
     */
    public java.util.Map<String, Object> statusJson() {
        FlowEngine.Counters counters = engine.counters();
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("flows", flowCount);
        json.put("entered", counters.entered());
        json.put("completed", counters.completed());
        json.put("deadLetters", counters.deadLetters());
        json.put("inputDropped", counters.inputDropped());
        json.put("deadLetterFile", io.deadLetters.file().toString());
        return json;
    }

    /** Where dead letters go. */
    public Path deadLetterFile() {
        return io.deadLetters.file();
    }

    /** Stops taking events, stops the loop, stops the workers (a running command is killed), flushes files. */
    @Override
    public void close() {
        proxy.unsubscribe(listener);
        runtime.stop();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.close();
    }

    /** The real adapters. */
    private static final class Io implements FlowIo {
        private final NodeProxy proxy;
        private final PrintStream stdout;
        private final DeadLetterFile deadLetters;
        private final List<ExecutorService> workers = new ArrayList<>();
        private final Map<Path, BufferedWriter> files = new HashMap<>();
        private final AtomicInteger workerCount = new AtomicInteger();
        private volatile HttpClient http;

        Io(NodeProxy proxy, Path dataDirectory, PrintStream stdout) {
            this.proxy = proxy;
            this.stdout = stdout;
            this.deadLetters = new DeadLetterFile(dataDirectory);
        }

        @Override
        public Executor worker(String flow, StepSpec step) {
            String name = "elara-flow-" + flow + "-" + workerCount.incrementAndGet();
            ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
            synchronized (workers) {
                workers.add(worker);
            }
            return worker;
        }

        @Override
        public CompletableFuture<SendResult> send(SendTarget target, String text) {
            return proxy.sendText(target, text);
        }

        @Override
        public void deadLetter(DeadLetter letter) {
            deadLetters.offer(letter);
        }

        @Override
        public Message<FlowEvent> effect(String flow, StepSpec step, Message<FlowEvent> message)
                throws FlowFailure, InterruptedException {
            if (step instanceof StepSpec.StdoutStep out) {
                String line = out.template() == null
                        ? FlowJson.message(flow, message)
                        : out.template().apply(name -> field(message, flow, name));
                synchronized (stdout) {
                    stdout.println(line);
                    stdout.flush();
                    if (stdout.checkError()) {
                        throw new FlowFailure("stdout is closed");
                    }
                }
                return message;
            } else if (step instanceof StepSpec.FileStep file) {
                append(file.path(), FlowJson.message(flow, message));
                return message;
            } else if (step instanceof StepSpec.ExecStep exec) {
                ExecRunner runner = new ExecRunner(
                        exec.command(), TimeUnit.NANOSECONDS.toMillis(exec.timeoutNs()), exec.directory());
                String output;
                try {
                    output = runner.run(message.body().text());
                } catch (ExecRunner.ExecException e) {
                    throw new FlowFailure(e.getMessage(), e);
                }
                if (!exec.replace()) {
                    return message;
                }
                return output.isEmpty() ? null : FlowEvent.withText(message, output);
            } else if (step instanceof StepSpec.WebhookStep webhook) {
                post(webhook, FlowJson.message(flow, message));
                return message;
            } else if (step instanceof StepSpec.PipelineStep pipeline) {
                List<RuntimeData> outputs;
                try {
                    outputs = PipelineRunner.runOnce(
                            pipeline.manifest(),
                            pipeline.base(),
                            List.of(new RuntimeData.Text(message.body().text())));
                } catch (PipelineException e) {
                    throw new FlowFailure("pipeline '" + pipeline.manifest().name() + "': " + e.getMessage(), e);
                }
                StringBuilder text = new StringBuilder();
                for (RuntimeData output : outputs) {
                    if (output instanceof RuntimeData.Text t) {
                        text.append(text.length() == 0 ? "" : "\n").append(t.text());
                    }
                }
                return text.length() == 0 ? null : FlowEvent.withText(message, text.toString());
            }
            throw new IllegalArgumentException("not a blocking step: " + step);
        }

        private static String field(Message<FlowEvent> message, String flow, String name) {
            return FlowEvent.field(message, flow, name);
        }

        private void append(Path path, String line) throws FlowFailure {
            // Two steps may share a file: writes to one file are serialized here.
            synchronized (files) {
                try {
                    BufferedWriter out = files.get(path);
                    if (out == null) {
                        Path parent = path.getParent();
                        if (parent != null) {
                            Files.createDirectories(parent);
                        }
                        out = Files.newBufferedWriter(
                                path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        files.put(path, out);
                    }
                    out.write(line);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    BufferedWriter broken = files.remove(path);
                    closeQuietly(broken);
                    throw new FlowFailure("cannot write " + path + ": " + e.getMessage(), e);
                }
            }
        }

        private void post(StepSpec.WebhookStep webhook, String json) throws FlowFailure, InterruptedException {
            HttpClient client = http;
            if (client == null) {
                synchronized (this) {
                    if (http == null) {
                        http = HttpClient.newBuilder()
                                .connectTimeout(Duration.ofSeconds(5))
                                .followRedirects(HttpClient.Redirect.NEVER)
                                .build();
                    }
                    client = http;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(webhook.url())
                    .timeout(Duration.ofNanos(webhook.timeoutNs()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "elara-flow")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
            webhook.headers().forEach(request::header);
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                throw new FlowFailure(
                        "webhook " + webhook.url() + " gave no answer within "
                                + TimeUnit.NANOSECONDS.toMillis(webhook.timeoutNs()) + " ms",
                        e);
            } catch (ConnectException e) {
                throw new FlowFailure("webhook " + webhook.url() + " refused the connection", e);
            } catch (IOException e) {
                throw new FlowFailure("webhook " + webhook.url() + " failed: " + e, e);
            }
            if (response.statusCode() / 100 != 2) {
                throw new FlowFailure("webhook " + webhook.url() + " answered HTTP " + response.statusCode());
            }
        }

        void close() {
            synchronized (workers) {
                for (ExecutorService worker : workers) {
                    worker.shutdownNow();
                }
                for (ExecutorService worker : workers) {
                    try {
                        if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                            LOG.warn("a flow worker did not stop within 5 s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            synchronized (files) {
                files.values().forEach(Io::closeQuietly);
                files.clear();
            }
            deadLetters.close();
        }

        private static void closeQuietly(BufferedWriter out) {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debug("closing a flow file", e);
                }
            }
        }
    }
}
