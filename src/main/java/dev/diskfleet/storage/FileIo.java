package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Positional whole-buffer I/O on a {@link FileChannel}, with failures turned into {@link StorageException}s. */
public final class FileIo {

    private static final int PREALLOCATE_CHUNK = 4 << 20;

    private FileIo() {
    }

    /** Reads until {@code dst} is full; the file ending first is a format error, never a short read. */
    public static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file) {
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position);
                if (n < 0) {
                    throw ImageFormatException.in(null, file, "unexpected end of file at byte "
                            + position + " (" + dst.remaining() + " more bytes expected)");
                }
                position += n;
            }
        } catch (IOException e) {
            throw ioFailure("read", file, e);
        }
    }

    public static void writeFully(FileChannel channel, ByteBuffer src, long position, Path file) {
        try {
            while (src.hasRemaining()) {
                position += channel.write(src, position);
            }
        } catch (IOException e) {
            throw ioFailure("write", file, e);
        }
    }

    /**
     * Writes zeros over {@code [from, to)} in large chunks, so the file system allocates every block now
     * (a fixed image is preallocated: it cannot run out of space later, in the middle of a guest's write).
     */
    public static void preallocate(FileChannel channel, long from, long to, Path file) {
        ByteBuffer zeros = ByteBuffer.allocateDirect(PREALLOCATE_CHUNK);
        for (long pos = from; pos < to; pos += PREALLOCATE_CHUNK) {
            zeros.clear().limit((int) Math.min(PREALLOCATE_CHUNK, to - pos));
            writeFully(channel, zeros, pos, file);
        }
    }

    public static long size(FileChannel channel, Path file) {
        try {
            return channel.size();
        } catch (IOException e) {
            throw ioFailure("stat", file, e);
        }
    }

    public static void force(FileChannel channel, Path file) {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw ioFailure("flush", file, e);
        }
    }

    public static void truncate(FileChannel channel, long size, Path file) {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            throw ioFailure("truncate", file, e);
        }
    }

    public static void close(FileChannel channel, Path file) {
        try {
            channel.close();
        } catch (IOException e) {
            throw ioFailure("close", file, e);
        }
    }

    /** Opens a file; one it creates is private (0600, {@link PrivateFiles}). */
    public static FileChannel open(Path file, StandardOpenOption... options) {
        try {
            return FileChannel.open(file, Set.of(options), PrivateFiles.fileAttributes());
        } catch (IOException e) {
            throw ioFailure("open", file, e);
        }
    }

    /** Closes a channel whose opening code failed, keeping the first failure as the one reported. */
    public static void closeAfterFailure(FileChannel channel, RuntimeException failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    public static StorageException ioFailure(String action, Path file, IOException e) {
        return new StorageException("could not " + action + " " + file + ": " + e.getMessage(), e);
    }
}
