package io.elara.cli.command;

import picocli.CommandLine.Command;

/** {@code elara bench}: measurements anyone can run on their own machine and data. */
@Command(
        name = "bench",
        description =
                "Measure Elara on this machine: the text CRDT on editing traces; throughput and latency between two"
                        + " nodes on loopback; chat's Enter-to-render latency.",
        subcommands = {
            BenchCrdtCommand.class,
            BenchThroughputCommand.class,
            BenchLatencyCommand.class,
            BenchChatCommand.class,
            BenchVoiceCommand.class,
            BenchGoodputCommand.class,
            BenchPeerCommand.class
        })
public final class BenchCommand {
    private BenchCommand() {}
}
