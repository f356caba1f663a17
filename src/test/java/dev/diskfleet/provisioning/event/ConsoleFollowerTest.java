package dev.diskfleet.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.ConsoleTail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live console follows a flood without holding it: a line without end is sent once, cut, then skipped. */
class ConsoleFollowerTest {

    @TempDir
    Path dir;

    @Test
    void aLineWithoutEndIsSentCutOnceAndTheNextLineFollows() throws IOException {
        Path log = Files.createFile(dir.resolve("console.log"));
        ConsoleFollower follower = new ConsoleFollower(log);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // 4 MiB of one line, written and followed piece by piece
            Files.writeString(log, "y".repeat(64 * 1024), StandardOpenOption.APPEND);
            seen.addAll(follower.newLines());
        }
        Files.writeString(log, "\nafter the flood\n", StandardOpenOption.APPEND);
        seen.addAll(follower.newLines());

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).hasSize(ConsoleTail.MAX_LINE_CHARS + 1).endsWith("y…");
        assertThat(seen.get(1)).isEqualTo("after the flood");
    }

    @Test
    void aRotatedLogIsFollowedFromItsNewStart() throws IOException {
        Path log = Files.writeString(dir.resolve("console.log"), "old boot\n".repeat(1000));
        ConsoleFollower follower = new ConsoleFollower(log);
        Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(log, "fresh\n", StandardOpenOption.APPEND);

        assertThat(follower.newLines()).containsExactly("fresh");
    }
}
