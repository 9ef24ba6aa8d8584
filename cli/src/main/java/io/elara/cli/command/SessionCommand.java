package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ExitCode;
import io.elara.node.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara session create|list|leave|topic|kick|ban}: a running node's sessions and their members. */
@Command(
        name = "session",
        description = "Create, list and leave sessions of a running node; remove members of one you created.",
        subcommands = {
            SessionCommand.Create.class,
            SessionCommand.ListSessions.class,
            SessionCommand.Leave.class,
            SessionCommand.Topic.class,
            SessionCommand.Kick.class,
            SessionCommand.Ban.class
        },
        footer = {
            "",
            "Examples:",
            "  elara session create team -c alice.yaml",
            "  elara invite team --uses 3 --expires 1h -c alice.yaml",
            "  elara session list -c alice.yaml",
            "  elara session topic team release on Friday -c alice.yaml",
            "  elara session kick team bob -c alice.yaml"
        })
public final class SessionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing session command (create, list, leave, topic, kick, ban)");
    }

    /** Sends one session request to the running node and returns its answer, or exits with the node's reason. */
    static JsonNode ask(ConfigOption config, Map<String, Object> request) throws IOException {
        try (ControlClient client = config.connect(config.load())) {
            client.send(request);
            return ConfigOption.expectOk(client.next());
        }
    }

    static Map<String, Object> request(String action, String name) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "session");
        request.put("action", action);
        if (name != null) {
            request.put("name", name);
        }
        return request;
    }

    @Command(name = "create", description = "Create a session with this node as its creator and only member.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "NAME", description = "the session's name")
        String name;

        @Override
        public Integer call() throws IOException {
            JsonNode answer = ask(config, request("create", name));
            spec.commandLine()
                    .getOut()
                    .println("created session '" + name + "' ("
                            + answer.path("id").asText() + "); invite others with: elara invite " + name);
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List the sessions this node is in, with their members.")
    static final class ListSessions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws IOException {
            JsonNode answer = ask(config, request("list", null));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println("{\"sessions\":" + answer.path("sessions") + ",\"ended\":" + answer.path("ended") + "}");
                return ExitCode.OK;
            }
            if (answer.path("sessions").isEmpty()) {
                out.println("no sessions (create one with: elara session create NAME)");
            }
            for (JsonNode session : answer.path("sessions")) {
                int online = 0;
                int neighbours = 0;
                for (JsonNode member : session.path("members")) {
                    online += member.path("connected").asBoolean() ? 1 : 0;
                    neighbours += member.path("neighbour").asBoolean() ? 1 : 0;
                }
                boolean overlay = session.path("propagation").asText().equals("overlay");
                out.printf(
                        java.util.Locale.ROOT,
                        "%s  (%s, %d members, %d connected%s)  %s%n",
                        session.path("name").asText(),
                        session.path("kind").asText(),
                        session.path("members").size(),
                        online,
                        overlay ? ", overlay: sends to " + neighbours + " neighbours" : "",
                        session.path("id").asText());
                if (session.hasNonNull("topic")) {
                    out.println("  topic: " + session.path("topic").asText());
                }
                for (JsonNode member : session.path("members")) {
                    String id = member.path("nodeId").asText("");
                    out.printf(
                            java.util.Locale.ROOT,
                            "  %-16s %s%s%s%s%s%n",
                            member.path("name").asText(),
                            io.elara.cli.output.HumanFormat.member(member),
                            overlay && member.path("neighbour").asBoolean() ? ", neighbour" : "",
                            id.equals(session.path("creator").asText()) ? ", creator" : "",
                            member.hasNonNull("presence")
                                    ? ", " + member.path("presence").asText()
                                    : "",
                            id.isEmpty() ? "" : "  " + id);
                }
            }
            answer.path("ended")
                    .properties()
                    .forEach(entry -> out.println(
                            entry.getKey() + "  (" + entry.getValue().asText() + ")"));
            return ExitCode.OK;
        }
    }

    @Command(name = "leave", description = "Leave a session you joined; the other members are told.")
    static final class Leave implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "SESSION", description = "the session to leave")
        String name;

        @Override
        public Integer call() throws IOException {
            ask(config, request("leave", name));
            spec.commandLine().getOut().println("left session '" + name + "'");
            return ExitCode.OK;
        }
    }

    @Command(
            name = "topic",
            description = "Set the topic of a session (any member may), clear it with --clear, or print it.")
    static final class Topic implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "a session this node is in")
        String name;

        @Parameters(index = "1..*", paramLabel = "TEXT", description = "the new topic (none: print the topic)")
        java.util.List<String> text = java.util.List.of();

        @Option(names = "--clear", description = "clear the topic")
        boolean clear;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            String topic = String.join(" ", text).strip();
            if (clear && !topic.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give a topic or --clear, not both");
            }
            if (!clear && topic.isEmpty()) {
                for (JsonNode session : ask(config, request("list", null)).path("sessions")) {
                    if (session.path("name").asText().equals(name)) {
                        out.println(
                                session.hasNonNull("topic")
                                        ? session.path("topic").asText()
                                        : "(no topic)");
                        return ExitCode.OK;
                    }
                }
                throw new io.elara.cli.ElaraUserException(ExitCode.FAILURE, "no session named '" + name + "'");
            }
            JsonNode answer = PresenceCommand.setState(config, name, io.elara.node.session.SessionState.TOPIC, topic);
            PresenceCommand.report(out, answer, false, clear ? "topic cleared" : "topic set");
            return ExitCode.OK;
        }
    }

    /** kick and ban share everything but the word. */
    abstract static class Removal implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "a session this node created")
        String name;

        @Parameters(index = "1", paramLabel = "MEMBER", description = "the member: its peer name or node id")
        String member;

        abstract String action();

        @Override
        public Integer call() throws IOException {
            Map<String, Object> request = request(action(), name);
            request.put("member", member);
            ask(config, request);
            spec.commandLine()
                    .getOut()
                    .println((action().equals("ban") ? "banned " : "removed ") + member + " from '" + name + "'");
            return ExitCode.OK;
        }
    }

    @Command(name = "kick", description = "Remove a member from a session you created (it may join again).")
    static final class Kick extends Removal {
        @Override
        String action() {
            return "kick";
        }
    }

    @Command(name = "ban", description = "Remove a member from a session you created and bar it from joining again.")
    static final class Ban extends Removal {
        @Override
        String action() {
            return "ban";
        }
    }
}
