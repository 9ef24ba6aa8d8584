package io.elara.node.flow;

import io.elara.node.SendTarget;
import io.elara.node.channel.flow.Filter;
import io.elara.node.pipeline.Manifest;
import io.elara.node.pipeline.text.TextTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** One validated step of a flow; {@link #label()} names it in logs and dead letters, e.g. {@code steps[2] exec}. */
public sealed interface StepSpec {
    /** Where the step is, for people: {@code steps[INDEX] KIND}. */
    String label();

    /** Whether the step blocks (files, processes, the network) and so runs on a worker thread. */
    default boolean blocking() {
        return false;
    }

    /** Passes on only the messages that match. */
    record FilterStep(String label, Filter filter) implements StepSpec {}

    /** Replaces the text with the rendered template. */
    record TransformStep(String label, TextTemplate template) implements StepSpec {}

    /** Cuts the text at every match of {@code separator} into separate messages (empty parts dropped). */
    record SplitStep(String label, Pattern separator, int partsMax) implements StepSpec {}

    /**
     * Collects messages with the same key (the rendered {@code key} template) and passes on one message that joins
     * their texts with {@code separator}: when {@code count} have arrived, or {@code timeoutNs} after the first.
     */
    record AggregateStep(String label, int count, long timeoutNs, String separator, TextTemplate key, int groupsMax)
            implements StepSpec {}

    /** Sends each message to the first route whose filter matches (a null filter always does); ends the flow. */
    record RouteStep(String label, List<Route> routes) implements StepSpec {
        public RouteStep {
            routes = List.copyOf(routes);
        }
    }

    /** A route: messages matching {@code when} (null: any) go to flow {@code flow}. */
    record Route(Filter when, String flow) {}

    /** Prints each message on stdout: the rendered template, or a JSON line when it is null. Passes it on. */
    record StdoutStep(String label, TextTemplate template) implements StepSpec {
        @Override
        public boolean blocking() {
            return true;
        }
    }

    /** Appends each message to a JSON-lines file. Passes it on. */
    record FileStep(String label, Path path) implements StepSpec {
        @Override
        public boolean blocking() {
            return true;
        }
    }

    /**
     * Pipes the text to a command; when {@code replace}, its output becomes the text (an empty output ends the
     * message), else the message passes on unchanged. Non-zero exit or overrunning {@code timeoutNs}: a dead letter.
     * The command runs in {@code directory}, the config file's folder, so a script beside the config is found.
     */
    record ExecStep(String label, List<String> command, long timeoutNs, boolean replace, Path directory)
            implements StepSpec {
        public ExecStep {
            command = List.copyOf(command);
        }

        @Override
        public boolean blocking() {
            return true;
        }
    }

    /** POSTs each message as JSON to {@code url}; a non-2xx answer or no answer within {@code timeoutNs}: a dead letter. */
    record WebhookStep(String label, URI url, long timeoutNs, Map<String, String> headers) implements StepSpec {
        public WebhookStep {
            headers = Map.copyOf(headers);
        }

        @Override
        public boolean blocking() {
            return true;
        }
    }

    /** Runs the text through a unary pipeline (text in, text out); its output becomes the text. */
    record PipelineStep(String label, Manifest manifest, Path base) implements StepSpec {
        @Override
        public boolean blocking() {
            return true;
        }
    }

    /**
     * Posts the rendered template into the message's session, or back to its sender for a direct message. A send
     * that fails (refused, or not acknowledged in time) is a dead letter. Passes the message on.
     */
    record ReplyStep(String label, TextTemplate template) implements StepSpec {}

    /** Posts the rendered template to a configured session or peer. Passes the message on. */
    record SendStep(String label, SendTarget target, TextTemplate template) implements StepSpec {}
}
