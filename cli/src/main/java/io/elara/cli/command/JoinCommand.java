package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ExitCode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara join TOKEN}: a running node joins a session with an invite. */
@Command(
        name = "join",
        description = {
            "Join a session with an invite from one of its members.",
            "The running node contacts the inviter, is admitted, and then connects to every other member."
        },
        footer = {"", "Example:", "  elara join elara-invite1:AQ3x... -c bob.yaml"})
public final class JoinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "TOKEN", description = "the invite, as 'elara invite' printed it")
    String token;

    @Option(names = "--as", paramLabel = "NAME", description = "call the session NAME here (default: its own name)")
    String localName;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "join");
        request.put("token", token);
        if (localName != null) {
            request.put("name", localName);
        }
        JsonNode answer = SessionCommand.ask(config, request);
        spec.commandLine()
                .getOut()
                .println("joined session '" + answer.path("session").asText() + "'");
        return ExitCode.OK;
    }
}
