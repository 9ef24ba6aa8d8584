package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.session.SessionState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara presence STATUS [TEXT]}: this node's presence in its sessions' shared state. */
@Command(
        name = "presence",
        description = {
            "Set this node's presence (online, away, busy or offline, with an optional status text) in every session it"
                    + " is in, or in one with --session.",
            "Members see it in 'elara session list' and 'elara tail'; one that is offline gets it when it is back."
        },
        footer = {
            "",
            "Examples:",
            "  elara presence away back at 3 -c alice.yaml",
            "  elara presence online --session team -c alice.yaml"
        })
public final class PresenceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "STATUS", description = "online, away, busy or offline")
    String status;

    @Parameters(index = "1..*", paramLabel = "TEXT", description = "a status text (optional)")
    List<String> text = List.of();

    @Option(names = "--session", paramLabel = "NAME", description = "set it in this session only")
    String session;

    @Option(names = "--json", description = "print the node's answer as one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String value;
        try {
            value = SessionState.presence(status, String.join(" ", text));
        } catch (IllegalArgumentException e) {
            throw new ElaraUserException(ExitCode.USAGE, e.getMessage());
        }
        JsonNode answer = setState(config, session, SessionState.PRESENCE, value);
        report(spec.commandLine().getOut(), answer, json, "presence '" + value + "'");
        return ExitCode.OK;
    }

    /** Asks the running node to set {@code key} to {@code value} in {@code session} (null: every session). */
    static JsonNode setState(ConfigOption config, String session, String key, String value) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "state");
        if (session != null) {
            request.put("session", session);
        }
        request.put("key", key);
        request.put("value", value);
        return SessionCommand.ask(config, request);
    }

    /** One line per session: who acknowledged the change, or that members not reached get it later. */
    static void report(PrintWriter out, JsonNode answer, boolean json, String what) {
        if (json) {
            out.println(answer);
            return;
        }
        for (JsonNode session : answer.path("sessions")) {
            String name = session.path("session").asText();
            if (session.path("waiting").asBoolean()) {
                out.println(what + " in '" + name + "': stored; members not reached yet get it when they are back");
                continue;
            }
            int acknowledged = session.path("acknowledgedBy").size();
            int failed = session.path("failures").size();
            out.println(what + " in '" + name + "': " + acknowledged + " member"
                    + (acknowledged == 1 ? "" : "s") + " acknowledged"
                    + (failed == 0 ? "" : ", " + failed + " not reached (they get it when they are back)"));
        }
    }
}
