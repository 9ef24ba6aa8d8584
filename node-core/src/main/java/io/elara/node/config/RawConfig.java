package io.elara.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The config file's shape, as Jackson binds it, before validation. Field names are the YAML keys. */
final class RawConfig {
    @JsonProperty("name")
    String name;

    @JsonProperty("data-dir")
    String dataDirectory;

    @JsonProperty("bind")
    RawBind bind;

    @JsonProperty("peers")
    List<RawPeer> peers;

    @JsonProperty("sessions")
    List<RawSession> sessions;

    @JsonProperty("limits")
    RawLimits limits;

    @JsonProperty("flows")
    List<RawFlow> flows;

    @JsonProperty("storage")
    RawStorage storage;

    @JsonProperty("stun")
    RawStun stun;

    @JsonProperty("metrics")
    RawMetrics metrics;

    @JsonProperty("join")
    List<String> join;

    @JsonProperty("identity-file")
    String identityFile;

    @JsonProperty("logging")
    RawLogging logging;

    @JsonProperty("degradation")
    RawDegradation degradation;

    static final class RawDegradation {
        @JsonProperty("loss")
        String loss;

        @JsonProperty("rtt")
        String rtt;

        @JsonProperty("jitter")
        String jitter;

        @JsonProperty("queue-drops")
        String queueDrops;

        @JsonProperty("down-after")
        String downAfter;

        @JsonProperty("up-after")
        String upAfter;

        @JsonProperty("floor")
        String floor;
    }

    static final class RawLogging {
        @JsonProperty("level")
        String level;

        @JsonProperty("format")
        String format;
    }

    static final class RawMetrics {
        @JsonProperty("listen")
        String listen;
    }

    static final class RawStun {
        @JsonProperty("servers")
        List<String> servers;

        @JsonProperty("turn")
        RawTurn turn;
    }

    static final class RawTurn {
        @JsonProperty("server")
        String server;

        @JsonProperty("user")
        String user;

        @JsonProperty("password-file")
        String passwordFile;
    }

    static final class RawStorage {
        @JsonProperty("durability")
        String durability;
    }

    static final class RawBind {
        @JsonProperty("address")
        String address;

        @JsonProperty("port")
        Integer port;
    }

    static final class RawPeer {
        @JsonProperty("name")
        String name;

        @JsonProperty("address")
        String address;

        @JsonProperty("id")
        String id;

        @JsonProperty("key")
        String key;
    }

    static final class RawSession {
        @JsonProperty("name")
        String name;

        @JsonProperty("members")
        List<String> members;
    }

    static final class RawLimits {
        @JsonProperty("peers-max")
        Integer peersMax;

        @JsonProperty("send-queue-max")
        Integer sendQueueMax;

        @JsonProperty("text-bytes-max")
        Integer textBytesMax;

        @JsonProperty("delivery-timeout-ms")
        Long deliveryTimeoutMs;

        @JsonProperty("subscribers-max")
        Integer subscribersMax;

        @JsonProperty("flow-queue-max")
        Integer flowQueueMax;

        @JsonProperty("reassembly-bytes-max-per-peer")
        Long reassemblyBytesMaxPerPeer;

        @JsonProperty("reassembly-bytes-max")
        Long reassemblyBytesMax;
    }

    static final class RawFlow {
        @JsonProperty("name")
        String name;

        @JsonProperty("from")
        String from;

        @JsonProperty("sessions")
        List<String> sessions;

        @JsonProperty("include-own")
        Boolean includeOwn;

        @JsonProperty("steps")
        List<RawStep> steps;
    }

    /** One step: exactly one of these keys. */
    static final class RawStep {
        @JsonProperty("filter")
        String filter;

        @JsonProperty("transform")
        String transform;

        @JsonProperty("split")
        RawSplit split;

        @JsonProperty("aggregate")
        RawAggregate aggregate;

        @JsonProperty("route")
        List<RawRoute> route;

        @JsonProperty("stdout")
        RawStdout stdout;

        @JsonProperty("file")
        RawFile file;

        @JsonProperty("exec")
        RawExec exec;

        @JsonProperty("webhook")
        RawWebhook webhook;

        @JsonProperty("pipeline")
        RawPipeline pipeline;

        @JsonProperty("reply")
        String reply;

        @JsonProperty("send")
        RawSend send;
    }

    static final class RawSplit {
        @JsonProperty("on")
        String on;

        @JsonProperty("parts-max")
        Integer partsMax;
    }

    static final class RawAggregate {
        @JsonProperty("count")
        Integer count;

        @JsonProperty("timeout")
        String timeout;

        @JsonProperty("separator")
        String separator;

        @JsonProperty("key")
        String key;

        @JsonProperty("groups-max")
        Integer groupsMax;
    }

    static final class RawRoute {
        @JsonProperty("when")
        String when;

        @JsonProperty("to")
        String to;
    }

    static final class RawStdout {
        @JsonProperty("template")
        String template;
    }

    static final class RawFile {
        @JsonProperty("path")
        String path;
    }

    static final class RawExec {
        @JsonProperty("command")
        List<String> command;

        @JsonProperty("timeout")
        String timeout;

        @JsonProperty("output")
        String output;
    }

    static final class RawWebhook {
        @JsonProperty("url")
        String url;

        @JsonProperty("timeout")
        String timeout;

        @JsonProperty("headers")
        java.util.Map<String, String> headers;
    }

    static final class RawPipeline {
        @JsonProperty("manifest")
        String manifest;
    }

    static final class RawSend {
        @JsonProperty("session")
        String session;

        @JsonProperty("peer")
        String peer;

        @JsonProperty("text")
        String text;
    }
}
