package io.elara.node.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.channel.flow.Filter;
import io.elara.node.channel.flow.FilterParseException;
import io.elara.node.channel.flow.FilterSubject;
import io.elara.node.flow.FlowEvent;
import io.elara.node.pipeline.text.TextTemplate;
import java.nio.file.Path;

/**
 * Fuzz targets for what a user writes in the {@code flows:} key: the filter language, templates, and whole config
 * files. The property: a parse either succeeds or fails with its own one-line exception, never anything else. Under
 * plain {@code mvn test} each target replays its seed corpus from {@code FlowConfigFuzzTestInputs}; {@code
 * JAZZER_FUZZ=1} fuzzes for real.
 */
class FlowConfigFuzzTest {
    private static final FilterSubject SUBJECT = new FilterSubject() {
        @Override
        public String kind() {
            return "text";
        }

        @Override
        public String author() {
            return "alice";
        }

        @Override
        public String session() {
            return null;
        }

        @Override
        public String text() {
            return "hello (world) \\ \" ünïcode";
        }

        @Override
        public String header(String name) {
            return name.equals("part") ? "1" : null;
        }
    };

    @FuzzTest(maxDuration = "60s")
    void fuzzFilter(String expression) {
        if (expression == null) {
            return; // YAML never hands the parser a null: an empty value is a missing step
        }
        try {
            // A parsed filter must also evaluate without throwing.
            Filter.parse(expression).test(SUBJECT);
        } catch (FilterParseException e) {
            requireOneLine(e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzTemplate(String template) {
        if (template == null) {
            return;
        }
        try {
            TextTemplate.parse(template, FlowEvent::isField).apply(name -> name);
        } catch (IllegalArgumentException e) {
            requireOneLine(e.getMessage());
        }
    }

    /** A config whose flows are fuzzed, after a fixed head that defines a peer and a session. */
    @FuzzTest(maxDuration = "60s")
    void fuzzFlowsYaml(FuzzedDataProvider data) {
        String yaml = "name: bot\npeers: [{name: alice, address: '127.0.0.1:7001'}]\n"
                + "sessions: [{name: lobby, members: [alice]}]\nflows:\n" + data.consumeRemainingAsString();
        try {
            ConfigLoader.parse(yaml, Path.of("fuzz.yaml"));
        } catch (ConfigException e) {
            requireOneLine(e.getMessage());
        }
    }

    private static void requireOneLine(String message) {
        if (message == null || message.isEmpty() || message.contains("\n")) {
            throw new IllegalStateException("not a one-line error: " + message);
        }
    }
}
