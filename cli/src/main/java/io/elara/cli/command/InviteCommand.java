package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara invite SESSION}: a signed invite token others join with. */
@Command(
        name = "invite",
        description = {
            "Print an invite to a session: one line to paste to the person who should join.",
            "It names the session, this node and where it is reached, when it expires and how often it may be used,"
                    + " signed by this node."
        },
        footer = {"", "Example:", "  elara invite team --uses 1 --expires 30m -c alice.yaml"})
public final class InviteCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(s|m|h|d)");
    private static final long EXPIRES_MAX_MS = 30L * 24 * 3_600_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "SESSION", description = "a session this node is in")
    String session;

    @Option(names = "--uses", paramLabel = "N", description = "how many nodes may join with it (default: no limit)")
    int uses;

    @Option(
            names = "--expires",
            paramLabel = "DURATION",
            description = "how long it is valid, as 30m, 1h or 7d (default: ${DEFAULT-VALUE}, at most 30d)",
            defaultValue = "1h")
    String expires;

    @Override
    public Integer call() throws IOException {
        if (uses < 0 || uses > 0xFFFF) {
            throw new ElaraUserException(ExitCode.USAGE, "--uses is 1 to 65535 (or 0 for no limit), got " + uses);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "invite");
        request.put("session", session);
        request.put("uses", uses);
        request.put("expiresInMs", parseMs(expires));
        JsonNode answer = SessionCommand.ask(config, request);
        spec.commandLine().getOut().println(answer.path("token").asText());
        return ExitCode.OK;
    }

    static long parseMs(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--expires '" + text + "' is not a duration (write e.g. 30m, 1h or 7d)");
        }
        long amount = Long.parseLong(m.group(1));
        long unitMs = switch (m.group(2)) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        long ms = amount * unitMs;
        if (ms <= 0 || ms > EXPIRES_MAX_MS) {
            throw new ElaraUserException(ExitCode.USAGE, "--expires is 1s to 30d, got " + text);
        }
        return ms;
    }
}
