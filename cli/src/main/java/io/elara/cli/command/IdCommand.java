package io.elara.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlJson;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara id}: this node's name and id, to give to peers. */
@Command(
        name = "id",
        description = "Print this node's name and id (the id checks itself: a mistyped copy will not parse).",
        footer = {"", "Example:", "  elara id -c ~/.elara/elara.yaml"})
public final class IdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Mixin
    PassphraseOptions passphrase;

    @Option(names = "--json", description = "print {\"name\":...,\"id\":...}")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        NodeConfig nodeConfig = config.load();
        Identity identity =
                ConfigOption.identity(nodeConfig, passphrase, spec.commandLine().getErr());
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", nodeConfig.name());
            fields.put("id", identity.nodeId().toString());
            out.println(ControlJson.MAPPER.writeValueAsString(fields));
        } else {
            out.println(nodeConfig.name() + "  " + identity.nodeId());
        }
        return ExitCode.OK;
    }
}
