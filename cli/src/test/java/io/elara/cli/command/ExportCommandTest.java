package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.cli.Cli;
import io.elara.cli.ElaraUserException;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file half of {@code elara export}, which {@code /export} in the chat shares: a bad target writes nothing. */
class ExportCommandTest {
    @TempDir
    Path directory;

    private NodeConfig node() throws Exception {
        Path dir = directory.resolve("alice");
        Cli.Result init = Cli.run("init", dir.toString(), "--name", "alice", "--port", "0", "--no-passphrase");
        assertThat(init.exitCode()).as(init.err()).isZero();
        return ConfigLoader.load(dir.resolve("elara.yaml"));
    }

    private List<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    @Test
    void shouldNameTheProblemAndWriteNothingWhenTheTargetIsADirectoryOrItsDirectoryIsMissing() throws Exception {
        NodeConfig node = node();
        Path out = Files.createDirectory(directory.resolve("out"));
        assertThatThrownBy(() -> ExportCommand.export(node, "direct", out))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot write " + out + ": it is a directory");
        Path missing = directory.resolve("nowhere").resolve("direct.jsonl");
        assertThatThrownBy(() -> ExportCommand.export(node, "direct", missing))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot write " + missing + ": there is no directory " + missing.getParent());
        assertThat(files(out)).isEmpty();
        assertThat(directory.resolve("nowhere")).doesNotExist();
    }

    @Test
    void shouldLeaveNoPartialFileWhenTheHistoryCannotBeRead() throws Exception {
        NodeConfig node = node(); // never ran: no database
        Path out = Files.createDirectory(directory.resolve("out"));
        assertThatThrownBy(() -> ExportCommand.export(node, "direct", out.resolve("direct.jsonl")))
                .isInstanceOf(ElaraUserException.class)
                .hasMessageStartingWith("no database at ");
        assertThat(files(out)).as("neither the file nor its .partial").isEmpty();
    }
}
