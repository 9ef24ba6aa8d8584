package io.elara.cli.command;

import io.elara.cli.ExitCode;
import io.elara.cli.output.HumanFormat;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlJson;
import io.elara.node.event.SessionId;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara history}: a session's stored messages, from the node's database. */
@Command(
        name = "history",
        description = {
            "Show a session's messages as this node stored them, oldest first.",
            "Reads the data directory's database; works whether or not the node runs."
        },
        footer = {
            "",
            "Examples:",
            "  elara history -c bob.yaml lobby",
            "  elara history -c bob.yaml lobby --since 2h --json",
            "  elara history -c bob.yaml direct --limit 20"
        })
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "SESSION", description = "a configured session, or 'direct'")
    String session;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description = "only messages from then on: a time ago (90s, 30m, 2h, 7d) or an instant")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "at most N messages (default: all)")
    int limit;

    @Option(names = "--json", description = "one JSON object per message")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        NodeConfig nodeConfig = config.load();
        SessionId id = StoredHistory.session(nodeConfig, session);
        long from = StoredHistory.sinceHlc(since, Instant.now());
        StoredHistory.read(nodeConfig, id, from, Math.max(0, limit), event -> {
            if (json) {
                try {
                    out.println(ControlJson.MAPPER.writeValueAsString(StoredHistory.json(event, session)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                out.println(HumanFormat.event(event, session));
            }
        });
        out.flush();
        return ExitCode.OK;
    }
}
