package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A run of an image's data as it lies in its host file: bytes a copy can ask the kernel to move from one
 * file to another ({@link FileChannel#transferTo}, {@code sendfile} on Linux) without reading them into
 * the JVM. Only drivers hand these out, for data stored plainly (not compressed, not encrypted).
 *
 * @param channel the source file's channel, shared with its readers: only positional calls are made on it
 */
public record HostExtent(FileChannel channel, Path file, long position, long length) {

    /**
     * Copies the run to {@code target} at {@code targetPosition}. {@code sendfile} writes at the target
     * channel's own position, so this moves it: only the target's single writer may call this. Bytes the
     * source file does not have (a last cluster QEMU wrote short) are written as zeros.
     */
    public void transferTo(FileChannel target, long targetPosition, Path targetFile) {
        long done = 0;
        try {
            target.position(targetPosition);
            while (done < length) {
                long n = channel.transferTo(position + done, length - done, target);
                if (n <= 0) {
                    writeZeros(target, targetPosition + done, length - done, targetFile);
                    return;
                }
                done += n;
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("copy " + file + " into", targetFile, e);
        }
    }

    /**
     * Brings the run into the page cache without copying it anywhere: {@code sendfile} into {@code sink}
     * (the null device), whose pages the kernel must read but nobody copies. A copy thread calls this
     * ahead of the writer, so that the writer's {@link #transferTo} finds the bytes read already.
     */
    public void readAhead(FileChannel sink) {
        long done = 0;
        try {
            while (done < length) {
                long n = channel.transferTo(position + done, length - done, sink);
                if (n <= 0) {
                    return;
                }
                done += n;
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("read ahead", file, e);
        }
    }

    private static void writeZeros(FileChannel target, long position, long length, Path targetFile) {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 1 << 16));
        for (long at = position; at < position + length; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), position + length - at));
            FileIo.writeFully(target, zeros, at, targetFile);
        }
    }
}
