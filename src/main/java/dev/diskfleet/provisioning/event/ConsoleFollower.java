package dev.diskfleet.provisioning.event;

import dev.diskfleet.hypervisor.ConsoleTail;

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
 * Starts at the end of an existing log (a client sees new output, not a guest's whole history), at the
 * beginning of one that appears later, and starts over at the
 * beginning when the file shrinks (a new boot writes a new log, or the log was rotated to keep it within its
 * size). Reads at most 64 KiB per call, and holds at most one line of {@link ConsoleTail#MAX_LINE_CHARS}
 * characters between calls: a longer line is sent cut (ending in "…") and its rest skipped up to its newline.
 */
public final class ConsoleFollower {

    private static final int MAX_READ = 64 * 1024;

    private final Path log;
    private long position;
    private final StringBuilder partial = new StringBuilder();
    /** The rest of a line already sent cut is being skipped, up to its newline. */
    private boolean skipping;

    /** Follows from now: what the log holds at this moment is history, all that comes after is new. */
    public ConsoleFollower(Path log) {
        this.log = log;
        long size;
        try {
            size = Files.isRegularFile(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            size = 0;
        }
        this.position = size;
    }

    public List<String> newLines() {
        if (!Files.isRegularFile(log)) {
            // A log that appears later is all new: the guest booted since.
            position = 0;
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < position) {
                position = 0;
                partial.setLength(0);
                skipping = false;
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
            partial.delete(0, newline + 1);
            if (skipping) {
                skipping = false;
                continue;
            }
            lines.add(ConsoleTail.cut(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
        }
        if (skipping) {
            partial.setLength(0);
        } else if (partial.length() > ConsoleTail.MAX_LINE_CHARS) {
            lines.add(ConsoleTail.cut(partial.toString()));
            partial.setLength(0);
            skipping = true;
        }
        return lines;
    }
}
