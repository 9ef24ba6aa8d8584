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
    }
}
