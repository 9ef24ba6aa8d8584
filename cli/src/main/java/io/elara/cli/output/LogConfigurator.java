package io.elara.cli.output;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code (found through the service loader), which starts faster than parsing an XML file: one stderr
 * appender, level from the {@code elara.log.level} system property, WARN by default so that commands print only what
 * they mean to. {@code elara run} raises it to INFO; {@link #setLevel} changes it later.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(Level.toLevel(System.getProperty("elara.log.level"), Level.WARN));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Switches the stderr appender to one JSON object per line ({@code time}, {@code level}, {@code logger}, {@code
     * thread}, {@code message}, and {@code error} with the stack trace when there is one), for log collectors.
     */
    public static void json() {
        Logger root = (Logger) org.slf4j.LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("stderr");
        if (appender == null) {
            return;
        }
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(appender.getContext());
        encoder.start();
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }

    /** One JSON object per event, on one line. */
    static final class JsonLineEncoder extends ch.qos.logback.core.encoder.EncoderBase<ILoggingEvent> {
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
            line.put(
                    "time", java.time.Instant.ofEpochMilli(event.getTimeStamp()).toString());
            line.put("level", event.getLevel().toString());
            line.put("logger", event.getLoggerName());
            line.put("thread", event.getThreadName());
            line.put("message", event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                line.put("error", ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            try {
                return (MAPPER.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return "{\"level\":\"ERROR\",\"message\":\"a log line could not be written as JSON\"}\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }

    /** Sets the root level, e.g. "info" or "debug"; an unknown name keeps WARN. */
    public static void setLevel(String level) {
        Logger root = (Logger) org.slf4j.LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.WARN));
    }
}
