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
 * The last lines of a console log, read backwards from the end in small chunks and never more than
 * {@value #MAX_TAIL_BYTES} bytes of it: a guest may write a 600 MB line, or weeks of output, and the service
 * holds neither. A line longer than {@value #MAX_LINE_CHARS} characters is cut (ending in "…"); a tail that
 * reaches the byte bound mid-line starts with the cut end of that line. When the log was rotated
 * ({@link ConsoleLog#cap}), the lines before the current log come from its rotated half.
 */
public final class ConsoleTail {

    public static final int MAX_LINES = 10_000;
    public static final int MAX_LINE_CHARS = 4096;
    static final int MAX_TAIL_BYTES = 1 << 20;
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
        List<String> current = readOne(log, lines);
        if (current.size() >= lines) {
            return current;
        }
        List<String> earlier = readOne(ConsoleLog.rotated(log), lines - current.size());
        if (earlier.isEmpty()) {
            return current;
        }
        List<String> all = new ArrayList<>(earlier);
        all.addAll(current);
        return all;
    }

    private static List<String> readOne(Path log, int lines) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long end = channel.size();
            long floor = Math.max(0, end - MAX_TAIL_BYTES);
            long start = startOfLastLines(channel, end, floor, lines);
            ByteBuffer tail = ByteBuffer.allocate((int) (end - start));
            while (tail.hasRemaining() && channel.read(tail, start + tail.position()) >= 0) {
                // positional reads until the tail is full
            }
            List<String> result = split(new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8));
            if (start > 0 && start == floor && !result.isEmpty()) {
                result.set(0, "…" + result.get(0)); // the byte bound fell inside this line
            }
            return result;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new HypervisorException("cannot read the console log " + log, e);
        }
    }

    /**
     * Where the last {@code lines} lines begin, but never before {@code floor}; a final newline does not start
     * another line.
     */
    private static long startOfLastLines(FileChannel channel, long end, long floor, int lines) throws IOException {
        int newlinesToPass = lines;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long pos = end;
        while (pos > floor) {
            int length = (int) Math.min(CHUNK, pos - floor);
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
        return floor;
    }

    private static List<String> split(String text) {
        List<String> result = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            result.add(cut(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
        }
        if (!result.isEmpty() && result.get(result.size() - 1).isEmpty()) {
            result.remove(result.size() - 1);
        }
        return result;
    }

    /** A line of at most {@value #MAX_LINE_CHARS} characters: a longer one keeps its start and ends in "…". */
    public static String cut(String line) {
        return line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + "…";
    }
}
