package dev.diskfleet.provisioning.event;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a console log like {@code tail -F}: each call returns the whole lines written since the last one.
 * Starts at the end (a client sees new output, not a guest's whole history), and starts over at the
 * beginning when the file shrinks (a new boot writes a new log). Reads at most 64 KiB per call.
 */
public final class ConsoleFollower {

    private static final int MAX_READ = 64 * 1024;

    private final Path log;
    private long position = -1;
    private final StringBuilder partial = new StringBuilder();

    public ConsoleFollower(Path log) {
        this.log = log;
    }

    public List<String> newLines() {
        if (!Files.isRegularFile(log)) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = channel.size();
            if (position < 0) {
                position = size;
            }
            if (size < position) {
                position = 0;
                partial.setLength(0);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_READ, size - position));
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                // positional reads until the buffer is full
            }
            position += buffer.position();
            partial.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            partial.delete(0, newline + 1);
        }
        return lines;
    }
}
