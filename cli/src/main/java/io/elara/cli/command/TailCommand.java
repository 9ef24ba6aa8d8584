package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.output.HumanFormat;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara tail}: the running node's events as they are delivered. */
@Command(
        name = "tail",
        description = {
            "Print the events a running node delivers, as they arrive: first the last few, then new ones.",
            "Human lines by default; --json prints one JSON object per event."
        },
        footer = {"", "Examples:", "  elara tail -c bob.yaml", "  elara tail -c bob.yaml --json -n 0 --count 5"})
public final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(
            names = {"-n", "--lines"},
            defaultValue = "10",
            description = "recent events to print first (default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--json", description = "one JSON object per event")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "exit after N events (recent ones included)")
    Integer count;

    @Option(names = "--no-follow", description = "print the recent events and exit")
    boolean noFollow;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (lines < 0 || (count != null && count < 0)) {
            throw new ElaraUserException(ExitCode.USAGE, "--lines and --count take a number of events, 0 or more");
        }
        NodeConfig nodeConfig = config.load();
        try (ControlClient client = config.connect(nodeConfig)) {
            client.send(Map.of("op", "tail", "backlog", lines));
            JsonNode answer = ConfigOption.expectOk(client.next());
            int backlog = answer.path("backlog").asInt();
            int printed = 0;
            if (count != null && count == 0) {
                return ExitCode.OK;
            }
            while (true) {
                if (noFollow && printed >= backlog) {
                    return ExitCode.OK;
                }
                JsonNode line = client.next();
                if (line == null) {
                    err.println("elara: the node stopped");
                    return ExitCode.OK;
                }
                if (line.has("dropped")) {
                    if (json) {
                        out.println(line);
                    } else {
                        err.println("elara: " + line.path("dropped").asLong()
                                + " events were dropped because this output was too slow");
                    }
                    continue;
                }
                out.println(json ? line.toString() : HumanFormat.event(line));
                out.flush();
                printed++;
                if (count != null && printed >= count) {
                    return ExitCode.OK;
                }
            }
        }
    }
}
