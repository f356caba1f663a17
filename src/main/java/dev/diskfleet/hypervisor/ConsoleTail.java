package dev.diskfleet.hypervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a console log, read backwards from the end in small chunks: a guest that has run for
 * weeks may have logged far more than should ever be held in memory.
 */
public final class ConsoleTail {

    public static final int MAX_LINES = 10_000;
    private static final int CHUNK = 8192;

    private ConsoleTail() {
    }

    public static List<String> read(Path log, int lines) {
        if (lines < 0 || lines > MAX_LINES) {
            throw new IllegalArgumentException("lines must be between 0 and " + MAX_LINES + ", not " + lines);
        }
        if (lines == 0) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long end = channel.size();
            long start = startOfLastLines(channel, end, lines);
            ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(end - start));
            while (tail.hasRemaining() && channel.read(tail, start + tail.position()) >= 0) {
                // positional reads until the tail is full
            }
            return split(new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new HypervisorException("cannot read the console log " + log, e);
        }
    }

    /** Where the last {@code lines} lines begin; a final newline does not start another line. */
    private static long startOfLastLines(FileChannel channel, long end, int lines) throws IOException {
        int newlinesToPass = lines;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long pos = end;
        while (pos > 0) {
            int length = (int) Math.min(CHUNK, pos);
            pos -= length;
            chunk.clear().limit(length);
            while (chunk.hasRemaining() && channel.read(chunk, pos + chunk.position()) >= 0) {
                // fill the chunk
            }
            for (int i = length - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    if (pos + i == end - 1) {
                        continue;
                    }
                    if (--newlinesToPass == 0) {
                        return pos + i + 1;
                    }
                }
            }
        }
        return 0;
    }

    private static List<String> split(String text) {
        List<String> result = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            result.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        if (!result.isEmpty() && result.get(result.size() - 1).isEmpty()) {
            result.remove(result.size() - 1);
        }
        return result;
    }
}
