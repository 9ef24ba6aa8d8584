package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.output.LogConfigurator;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.config.NodeConfig;
import io.elara.node.peer.Peer;
import io.elara.node.store.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara run}: a headless node in the foreground until SIGINT or SIGTERM. */
@Command(
        name = "run",
        description = {
            "Run a node in the foreground until Ctrl-C or SIGTERM. Logs go to stderr.",
            "Other elara commands (send, tail, status) reach it through its control socket."
        },
        footer = {"", "Example:", "  elara run -c alice/elara.yaml"})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Mixin
    PassphraseOptions passphrase;

    @Option(
            names = "--log-level",
            defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
    String logLevel;

    /** How log lines look. */
    public enum LogFormat {
        human,
        json
    }

    @Option(
            names = "--log-format",
            defaultValue = "human",
            description = "human (default) or json: one JSON object per line, for log collectors")
    LogFormat logFormat;

    @Override
    public Integer call() throws InterruptedException {
        // Logging starts here, not in a static field: picocli builds every command to parse any command line, and
        // elara --version should not pay for a logging system it does not use.
        LogConfigurator.setLevel(logLevel);
        if (logFormat == LogFormat.json) {
            LogConfigurator.json();
        }
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        NodeConfig nodeConfig = config.load();
        // The config's logging: applies where the command line did not say.
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        NodeConfig.Logging logging = nodeConfig.logging();
        if (logging.level() != null && !parsed.hasMatchedOption("--log-level")) {
            LogConfigurator.setLevel(logging.level());
        }
        if ("json".equals(logging.format()) && !parsed.hasMatchedOption("--log-format")) {
            LogConfigurator.json();
        }
        Node node = start(nodeConfig, passphrase, spec.commandLine().getErr(), log);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("{} stopping", nodeConfig.name());
                            node.close();
                            log.info("{} stopped", nodeConfig.name());
                            stopped.countDown();
                        },
                        "elara-shutdown"));
        log.info(
                "{} ready on {} as {} ({} transport, {} ms after the JVM started)",
                nodeConfig.name(),
                Peer.format(node.localAddress()),
                node.id(),
                node.epoll() ? "epoll" : "nio",
                sinceProcessStartMs());
        stopped.await();
        return ExitCode.OK;
    }

    /**
     * Starts {@code nodeConfig}'s node as a daemon (data directory locked, control socket open, events persisted),
     * creating its identity first when the data directory has none. Errors are user errors with one line.
     */
    public static Node start(NodeConfig nodeConfig, PassphraseOptions passphrase, PrintWriter err, Logger log) {
        DataDirectory data = DataDirectory.of(nodeConfig);
        try {
            if (!Files.exists(data.identityFile())) {
                data.create();
                Files.createDirectories(data.identityFile().getParent());
                passphrase.create(data.identityFile(), Identity.generate(new SecureRandom()), err);
                log.info("created a new identity in {}", data.identityFile());
            }
        } catch (IOException | KeyFileException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
        Identity identity = ConfigOption.identity(nodeConfig, passphrase, err);
        try {
            return Node.start(nodeConfig, identity, Node.Options.daemon());
        } catch (NodeStartException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
    }

    /**
     * The JVM's uptime. (ProcessHandle's start instant is no good here: Linux gives boot time to the second, so it
     * reads up to a second late.)
     */
    private static long sinceProcessStartMs() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }
}
