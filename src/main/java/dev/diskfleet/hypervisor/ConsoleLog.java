package dev.diskfleet.hypervisor;

import dev.diskfleet.storage.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a guest's console log within a size. The hypervisor appends to the log (QEMU's file chardev with
 * {@code append=on}, so every write lands at the end, wherever that is now); past the size, the newest half is
 * kept in {@code console.log.1} and the log is emptied, so the two together hold at most the size plus what
 * the guest writes between two checks. Output written while the newest half is being copied can be lost: a
 * console log is a diagnostic, and a guest that floods it cannot make it grow without bound.
 */
public final class ConsoleLog {

    public static final long DEFAULT_SIZE = 1L << 20;

    private ConsoleLog() {
    }

    /** Where the newest half of the log was kept at its last rotation. */
    public static Path rotated(Path log) {
        return log.resolveSibling(log.getFileName() + ".1");
    }

    /** An empty log for a new boot, private to the service's user; its rotated half of a former boot goes. */
    public static void startFresh(Path log) {
        try {
            Files.deleteIfExists(rotated(log));
            try (FileChannel created = FileChannel.open(log, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), PrivateFiles.fileAttributes())) {
                created.force(false);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot create the console log " + log, e);
        }
    }

    /** Rotates the log when it holds more than {@code size} bytes; whether it did. */
    public static boolean cap(Path log, long size) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = channel.size();
            if (length <= size) {
                return false;
            }
            int keep = (int) Math.min(size / 2, Integer.MAX_VALUE);
            Path half = log.resolveSibling("." + log.getFileName() + ".rotating");
            try (FileChannel out = FileChannel.open(half, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), PrivateFiles.fileAttributes())) {
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(keep, 64 * 1024));
                long from = length - keep;
                long written = 0;
                while (written < keep) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), keep - written));
                    int n = channel.read(buffer, from + written);
                    if (n <= 0) {
                        break;
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    written += n;
                }
            }
            Files.move(half, rotated(log), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            channel.truncate(0);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new HypervisorException("cannot keep the console log " + log + " within " + size + " bytes", e);
        }
    }
}
