package dev.diskfleet.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleTailTest {

    @TempDir
    Path dir;

    @Test
    void returnsTheLastLinesWithoutTheirSerialLineEndings() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "SeaBIOS\r\nbooting\r\nDISKFLEET-GUEST x wrote\r\n");

        assertThat(ConsoleTail.read(log, 2)).containsExactly("booting", "DISKFLEET-GUEST x wrote");
    }

    @Test
    void aLastLineWithoutNewlineCountsAsALine() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "one\ntwo\nthree");

        assertThat(ConsoleTail.read(log, 2)).containsExactly("two", "three");
    }

    @Test
    void askingForMoreLinesThanThereAreGivesThemAll() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "one\ntwo\n");

        assertThat(ConsoleTail.read(log, 100)).containsExactly("one", "two");
    }

    @Test
    void findsTheTailAcrossManyChunksOfALongLog() throws Exception {
        String text = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        Path log = Files.writeString(dir.resolve("console.log"), text);

        assertThat(ConsoleTail.read(log, 3)).containsExactly("line 19997", "line 19998", "line 19999");
        assertThat(ConsoleTail.read(log, 5000)).hasSize(5000).startsWith("line 15000");
    }

    @Test
    void aMissingOrEmptyLogHasNoLines() throws Exception {
        assertThat(ConsoleTail.read(dir.resolve("absent.log"), 5)).isEmpty();
        assertThat(ConsoleTail.read(Files.createFile(dir.resolve("empty.log")), 5)).isEmpty();
        assertThat(ConsoleTail.read(Files.writeString(dir.resolve("x.log"), "a\n"), 0)).isEmpty();
    }

    @Test
    void refusesANegativeOrHugeLineCount() {
        assertThatThrownBy(() -> ConsoleTail.read(dir.resolve("x"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleTail.read(dir.resolve("x"), ConsoleTail.MAX_LINES + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
