package dev.diskfleet.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest that floods its console cannot make the service hold its output: a 600 MB line without a newline
 * (what threw OutOfMemoryError at the guest's exit, in every tail and at every adoption) and a flood of lines
 * are read back as a bounded tail, and the log is kept within its size by rotation.
 */
class ConsoleFloodTest {

    @TempDir
    Path dir;

    @Test
    void aSixHundredMegabyteLineWithoutNewlineGivesOneCutLine() throws IOException {
        Path log = dir.resolve("console.log");
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
            file.setLength(600L << 20); // sparse: what the guest wrote reads as one line of NULs ...
            file.seek((600L << 20) - 4);
            file.write("tail".getBytes(StandardCharsets.US_ASCII)); // ... ending in "tail", no newline
        }
        long before = usedHeap();

        List<String> tail = ConsoleTail.read(log, 100);

        assertThat(tail).hasSize(1);
        assertThat(tail.get(0)).startsWith("…").endsWith("…").hasSizeLessThanOrEqualTo(ConsoleTail.MAX_LINE_CHARS + 2);
        assertThat(usedHeap() - before).as("heap bytes the tail took").isLessThan(64L << 20);
    }

    @Test
    void aFloodOfLinesGivesExactlyTheLastOnesAndALongLastLineIsCut() throws IOException {
        Path log = dir.resolve("console.log");
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            StringBuilder block = new StringBuilder();
            for (int i = 0; i < 200_000; i++) {
                block.append("line ").append(i).append('\n');
                if (block.length() > 1 << 16) {
                    out.write(ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.US_ASCII)));
                    block.setLength(0);
                }
            }
            block.append("x".repeat(100_000)).append('\n');
            out.write(ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.US_ASCII)));
        }

        List<String> tail = ConsoleTail.read(log, 3);

        assertThat(tail).hasSize(3);
        assertThat(tail.subList(0, 2)).containsExactly("line 199998", "line 199999");
        assertThat(tail.get(2)).hasSize(ConsoleTail.MAX_LINE_CHARS + 1).endsWith("x…");
    }

    @Test
    void aLogPastItsSizeKeepsItsNewestHalfAndTheTailReadsAcrossTheRotation() throws IOException {
        Path log = dir.resolve("console.log");
        ConsoleLog.startFresh(log);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append("boot line ").append(i).append('\n');
        }
        Files.writeString(log, text, StandardOpenOption.APPEND);
        long size = 256 * 1024;

        assertThat(ConsoleLog.cap(log, size)).isTrue();
        assertThat(Files.size(log)).isZero();
        assertThat(Files.size(ConsoleLog.rotated(log))).isEqualTo(size / 2);
        Files.writeString(log, "after the rotation\n", StandardOpenOption.APPEND);

        assertThat(ConsoleTail.read(log, 2)).containsExactly("boot line 99999", "after the rotation");
        assertThat(ConsoleLog.cap(log, size)).as("a log within its size stays").isFalse();

        ConsoleLog.startFresh(log);
        assertThat(ConsoleLog.rotated(log)).as("a new boot's log starts without the former boot's half").doesNotExist();
        assertThat(Files.size(log)).isZero();
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
