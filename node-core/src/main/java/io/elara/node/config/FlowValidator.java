package io.elara.node.config;

import io.elara.node.SendTarget;
import io.elara.node.channel.flow.Filter;
import io.elara.node.channel.flow.FilterParseException;
import io.elara.node.flow.FlowEvent;
import io.elara.node.flow.FlowSpec;
import io.elara.node.flow.StepSpec;
import io.elara.node.pipeline.Manifest;
import io.elara.node.pipeline.ManifestException;
import io.elara.node.pipeline.ManifestLoader;
import io.elara.node.pipeline.text.TextTemplate;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Validates the {@code flows:} key: each flow, each step, and the routes between flows. */
final class FlowValidator {
    static final long EXEC_TIMEOUT_MS_DEFAULT = 10_000;
    static final long WEBHOOK_TIMEOUT_MS_DEFAULT = 5_000;
    static final int SPLIT_PARTS_MAX_DEFAULT = 1_000;
    static final int AGGREGATE_GROUPS_MAX_DEFAULT = 1_024;

    private final ConfigValidator config;
    private final Path base;
    private final Set<String> peers;
    private final Set<String> sessions;

    private FlowValidator(ConfigValidator config, Path base, Set<String> peers, Set<String> sessions) {
        this.config = config;
        this.base = base;
        this.peers = peers;
        this.sessions = sessions;
    }

    static List<FlowSpec> validate(
            List<RawConfig.RawFlow> raw, ConfigValidator config, Path base, Set<String> peers, Set<String> sessions)
            throws ConfigException {
        if (raw == null) {
            return List.of();
        }
        return new FlowValidator(config, base, peers, sessions).flows(raw);
    }

    private List<FlowSpec> flows(List<RawConfig.RawFlow> raw) throws ConfigException {
        List<FlowSpec> flows = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            RawConfig.RawFlow flow = raw.get(i);
            String at = "/flows/" + i;
            String field = "flows[" + i + "]";
            if (flow == null) {
                throw config.error(at, field, "empty entry; a flow needs a name and steps");
            }
            String name = config.name(flow.name, at + "/name", field + ".name");
            if (index.putIfAbsent(name, i) != null) {
                throw config.error(
                        at + "/name",
                        field + ".name",
                        "'" + name + "' is already the name of flows[" + index.get(name) + "]");
            }
            flows.add(flow(flow, name, at, field));
        }
        // Every route goes to a flow that exists, and no message can go round in circles.
        for (int i = 0; i < flows.size(); i++) {
            List<StepSpec> steps = flows.get(i).steps();
            for (int s = 0; s < steps.size(); s++) {
                if (steps.get(s) instanceof StepSpec.RouteStep route) {
                    for (int r = 0; r < route.routes().size(); r++) {
                        String target = route.routes().get(r).flow();
                        if (!index.containsKey(target)) {
                            String at = "/flows/" + i + "/steps/" + s + "/route/" + r + "/to";
                            throw config.error(
                                    at,
                                    "flows[" + i + "].steps[" + s + "].route[" + r + "].to",
                                    "no flow named '" + target + "' (flows here: " + String.join(", ", index.keySet())
                                            + ")");
                        }
                    }
                }
            }
        }
        String cycle = cycle(flows);
        if (cycle != null) {
            int i = index.get(cycle.substring(0, cycle.indexOf(' ')));
            throw config.error("/flows/" + i, "flows[" + i + "]", "routes go round in a circle: " + cycle);
        }
        return flows;
    }

    /** A description of a route cycle ({@code a → b → a}), or null. */
    private static String cycle(List<FlowSpec> flows) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (FlowSpec flow : flows) {
            List<String> targets = new ArrayList<>();
            for (StepSpec step : flow.steps()) {
                if (step instanceof StepSpec.RouteStep route) {
                    route.routes().forEach(r -> targets.add(r.flow()));
                }
            }
            edges.put(flow.name(), targets);
        }
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            String found = walk(start, edges, path, done);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String walk(String node, Map<String, List<String>> edges, List<String> path, Set<String> done) {
        int at = path.indexOf(node);
        if (at >= 0) {
            List<String> loop = new ArrayList<>(path.subList(at, path.size()));
            loop.add(node);
            return String.join(" → ", loop);
        }
        if (done.contains(node)) {
            return null;
        }
        path.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            String found = walk(next, edges, path, done);
            if (found != null) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return null;
    }

    private FlowSpec flow(RawConfig.RawFlow flow, String name, String at, String field) throws ConfigException {
        FlowSpec.Source source;
        if (flow.from == null || flow.from.equals("events")) {
            source = FlowSpec.Source.EVENTS;
        } else if (flow.from.equals("route")) {
            source = FlowSpec.Source.ROUTE;
        } else {
            throw config.error(
                    at + "/from",
                    field + ".from",
                    "'" + flow.from + "' is not a source; write 'events' (the default) or 'route'");
        }
        Set<String> flowSessions = new HashSet<>();
        if (flow.sessions != null) {
            for (int s = 0; s < flow.sessions.size(); s++) {
                String session = flow.sessions.get(s);
                if (session == null || !(session.equals(ConfigValidator.DIRECT) || sessions.contains(session))) {
                    throw config.error(
                            at + "/sessions/" + s,
                            field + ".sessions[" + s + "]",
                            "'" + session + "' is not a session in this file (nor 'direct')");
                }
                flowSessions.add(session);
            }
            if (source == FlowSpec.Source.ROUTE) {
                throw config.error(at + "/sessions", field + ".sessions", "a flow fed by routes takes no sessions");
            }
        }
        if (flow.steps == null || flow.steps.isEmpty()) {
            throw config.error(at, field + ".steps", "missing; a flow needs at least one step");
        }
        List<StepSpec> steps = new ArrayList<>();
        for (int s = 0; s < flow.steps.size(); s++) {
            StepSpec step = step(flow.steps.get(s), at + "/steps/" + s, field + ".steps[" + s + "]", s);
            if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof StepSpec.RouteStep) {
                throw config.error(
                        at + "/steps/" + s,
                        field + ".steps[" + s + "]",
                        "nothing can follow a route step; put these steps in the flows it routes to");
            }
            steps.add(step);
        }
        return new FlowSpec(name, source, flowSessions, Boolean.TRUE.equals(flow.includeOwn), steps);
    }

    private StepSpec step(RawConfig.RawStep step, String at, String field, int index) throws ConfigException {
        if (step == null) {
            throw config.error(at, field, "empty step; write one of " + KINDS);
        }
        List<String> kinds = new ArrayList<>();
        addIf(kinds, step.filter, "filter");
        addIf(kinds, step.transform, "transform");
        addIf(kinds, step.split, "split");
        addIf(kinds, step.aggregate, "aggregate");
        addIf(kinds, step.route, "route");
        addIf(kinds, step.stdout, "stdout");
        addIf(kinds, step.file, "file");
        addIf(kinds, step.exec, "exec");
        addIf(kinds, step.webhook, "webhook");
        addIf(kinds, step.pipeline, "pipeline");
        addIf(kinds, step.reply, "reply");
        addIf(kinds, step.send, "send");
        if (kinds.size() != 1) {
            throw config.error(
                    at,
                    field,
                    kinds.isEmpty()
                            ? "empty step; write one of " + KINDS
                            : "one step per list entry, not " + String.join(" and ", kinds)
                                    + "; start each with its own '-'");
        }
        String kind = kinds.get(0);
        String label = "steps[" + index + "] " + kind;
        String keyAt = at + "/" + kind;
        String keyField = field + "." + kind;
        return switch (kind) {
            case "filter" -> new StepSpec.FilterStep(label, filter(step.filter, keyAt, keyField));
            case "transform" -> new StepSpec.TransformStep(label, template(step.transform, keyAt, keyField));
            case "split" -> split(step.split, label, keyAt, keyField);
            case "aggregate" -> aggregate(step.aggregate, label, keyAt, keyField);
            case "route" -> route(step.route, label, keyAt, keyField);
            case "stdout" ->
                new StepSpec.StdoutStep(
                        label,
                        step.stdout.template == null
                                ? null
                                : template(step.stdout.template, keyAt + "/template", keyField + ".template"));
            case "file" -> new StepSpec.FileStep(label, path(step.file.path, keyAt + "/path", keyField + ".path"));
            case "exec" -> exec(step.exec, label, keyAt, keyField);
            case "webhook" -> webhook(step.webhook, label, keyAt, keyField);
            case "pipeline" -> pipeline(step.pipeline, label, keyAt, keyField);
            case "reply" -> new StepSpec.ReplyStep(label, template(step.reply, keyAt, keyField));
            default -> send(step.send, label, keyAt, keyField);
        };
    }

    private static final String KINDS =
            "filter, transform, split, aggregate, route, stdout, file, exec, webhook, pipeline, reply, send";

    private static void addIf(List<String> kinds, Object value, String kind) {
        if (value != null) {
            kinds.add(kind);
        }
    }

    private Filter filter(String expression, String at, String field) throws ConfigException {
        try {
            return Filter.parse(expression);
        } catch (FilterParseException e) {
            throw config.error(at, field, e.getMessage());
        }
    }

    private TextTemplate template(String template, String at, String field) throws ConfigException {
        try {
            return TextTemplate.parse(template, FlowEvent::isField);
        } catch (IllegalArgumentException e) {
            throw config.error(
                    at,
                    field,
                    e.getMessage() + " (placeholders: {text}, {author}, {session}, {kind}, {from}, {id}, {time},"
                            + " {author-id}, {flow}, {headers.NAME})");
        }
    }

    private StepSpec split(RawConfig.RawSplit split, String label, String at, String field) throws ConfigException {
        Pattern separator;
        String on = split.on == null ? "\\R" : split.on;
        try {
            separator = Pattern.compile(on);
        } catch (PatternSyntaxException e) {
            throw config.error(at + "/on", field + ".on", "not a regular expression: " + e.getDescription());
        }
        int partsMax =
                range(split.partsMax, SPLIT_PARTS_MAX_DEFAULT, 1, 100_000, at + "/parts-max", field + ".parts-max");
        return new StepSpec.SplitStep(label, separator, partsMax);
    }

    private StepSpec aggregate(RawConfig.RawAggregate aggregate, String label, String at, String field)
            throws ConfigException {
        int count = range(aggregate.count, 10, 1, 100_000, at + "/count", field + ".count");
        long timeoutNs = duration(aggregate.timeout, 5_000, 1, 86_400_000, at + "/timeout", field + ".timeout");
        int groupsMax = range(
                aggregate.groupsMax,
                AGGREGATE_GROUPS_MAX_DEFAULT,
                1,
                100_000,
                at + "/groups-max",
                field + ".groups-max");
        TextTemplate key = template(aggregate.key == null ? "{session}" : aggregate.key, at + "/key", field + ".key");
        String separator = aggregate.separator == null ? "\n" : aggregate.separator;
        return new StepSpec.AggregateStep(label, count, timeoutNs, separator, key, groupsMax);
    }

    private StepSpec route(List<RawConfig.RawRoute> raw, String label, String at, String field) throws ConfigException {
        if (raw.isEmpty()) {
            throw config.error(at, field, "empty; a route needs at least one '- to: FLOW'");
        }
        List<StepSpec.Route> routes = new ArrayList<>();
        for (int r = 0; r < raw.size(); r++) {
            RawConfig.RawRoute route = raw.get(r);
            String routeAt = at + "/" + r;
            String routeField = field + "[" + r + "]";
            if (route == null || route.to == null) {
                throw config.error(routeAt, routeField + ".to", "missing; name the flow to send to");
            }
            Filter when = route.when == null ? null : filter(route.when, routeAt + "/when", routeField + ".when");
            if (when == null && r < raw.size() - 1) {
                throw config.error(
                        routeAt, routeField, "a route without 'when' takes everything, so it must come last");
            }
            routes.add(new StepSpec.Route(when, route.to));
        }
        return new StepSpec.RouteStep(label, routes);
    }

    private Path path(String path, String at, String field) throws ConfigException {
        if (path == null || path.isBlank()) {
            throw config.error(at, field, "missing; give a file path");
        }
        try {
            return base.resolve(path).normalize();
        } catch (InvalidPathException e) {
            throw config.error(at, field, "'" + path + "' is not a valid path");
        }
    }

    private StepSpec exec(RawConfig.RawExec exec, String label, String at, String field) throws ConfigException {
        if (exec.command == null || exec.command.isEmpty() || exec.command.get(0) == null) {
            throw config.error(at, field + ".command", "missing; give the command as a list, e.g. [tr, a-z, A-Z]");
        }
        for (int c = 0; c < exec.command.size(); c++) {
            if (exec.command.get(c) == null) {
                throw config.error(at + "/command/" + c, field + ".command[" + c + "]", "empty argument");
            }
        }
        long timeoutNs =
                duration(exec.timeout, EXEC_TIMEOUT_MS_DEFAULT, 1, 3_600_000, at + "/timeout", field + ".timeout");
        boolean replace;
        if (exec.output == null || exec.output.equals("replace")) {
            replace = true;
        } else if (exec.output.equals("discard")) {
            replace = false;
        } else {
            throw config.error(
                    at + "/output",
                    field + ".output",
                    "'" + exec.output + "' is not an output mode; write 'replace' (the default) or 'discard'");
        }
        return new StepSpec.ExecStep(label, exec.command, timeoutNs, replace, base);
    }

    private StepSpec webhook(RawConfig.RawWebhook webhook, String label, String at, String field)
            throws ConfigException {
        if (webhook.url == null) {
            throw config.error(at, field + ".url", "missing; give an http:// or https:// URL");
        }
        URI url;
        try {
            url = new URI(webhook.url);
        } catch (URISyntaxException e) {
            throw config.error(at + "/url", field + ".url", "not a URL: " + e.getReason());
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw config.error(at + "/url", field + ".url", "'" + webhook.url + "' is not an http:// or https:// URL");
        }
        long timeoutNs =
                duration(webhook.timeout, WEBHOOK_TIMEOUT_MS_DEFAULT, 1, 600_000, at + "/timeout", field + ".timeout");
        Map<String, String> headers = webhook.headers == null ? Map.of() : webhook.headers;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getValue() == null || !header.getKey().matches("[A-Za-z0-9-]{1,64}")) {
                throw config.error(
                        at + "/headers",
                        field + ".headers",
                        "bad header '" + header.getKey() + "' (a name and a value)");
            }
        }
        return new StepSpec.WebhookStep(label, url, timeoutNs, headers);
    }

    private StepSpec pipeline(RawConfig.RawPipeline pipeline, String label, String at, String field)
            throws ConfigException {
        Path manifestFile = path(pipeline.manifest, at + "/manifest", field + ".manifest");
        Manifest manifest;
        try {
            manifest = ManifestLoader.load(manifestFile);
        } catch (ManifestException e) {
            throw config.error(at + "/manifest", field + ".manifest", e.getMessage());
        }
        return new StepSpec.PipelineStep(label, manifest, manifestFile.getParent());
    }

    private StepSpec send(RawConfig.RawSend send, String label, String at, String field) throws ConfigException {
        if ((send.session == null) == (send.peer == null)) {
            throw config.error(at, field, "give exactly one of 'session' and 'peer'");
        }
        if (send.session != null && !sessions.contains(send.session)) {
            throw config.error(
                    at + "/session", field + ".session", "'" + send.session + "' is not a session in this file");
        }
        if (send.peer != null && !peers.contains(send.peer)) {
            throw config.error(at + "/peer", field + ".peer", "'" + send.peer + "' is not a peer in this file");
        }
        SendTarget target = send.session != null ? SendTarget.session(send.session) : SendTarget.peer(send.peer);
        TextTemplate text = template(send.text == null ? "{text}" : send.text, at + "/text", field + ".text");
        return new StepSpec.SendStep(label, target, text);
    }

    private int range(Integer value, int fallback, int min, int max, String at, String field) throws ConfigException {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw config.error(at, field, value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    private long duration(String value, long fallbackMs, long minMs, long maxMs, String at, String field)
            throws ConfigException {
        if (value == null) {
            return fallbackMs * 1_000_000L;
        }
        try {
            return Durations.parseNs(value, minMs, maxMs);
        } catch (IllegalArgumentException e) {
            throw config.error(at, field, e.getMessage());
        }
    }
}
