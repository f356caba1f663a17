package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.HostExtent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The qcow2 file on the host: positional I/O (safe for concurrent readers) plus the write barrier that
 * orders the steps of an allocation. Barriers are off while a new file is built under a temporary name:
 * nothing can observe it before it is forced and published.
 */
final class HostFile {

    private final Path path;
    private final FileChannel channel;
    private final boolean barriers;
    /** Runs of data clusters of a file being built go past the page cache; a published file's go through it. */
    private final DirectWrites directData;

    HostFile(Path path, FileChannel channel, boolean barriers) {
        this(path, channel, barriers, DirectWrites.none(path));
    }

    HostFile(Path path, FileChannel channel, boolean barriers, DirectWrites directData) {
        this.path = path;
        this.channel = channel;
        this.barriers = barriers;
        this.directData = directData;
    }

    Path path() {
        return path;
    }

    String name() {
        return path.getFileName().toString();
    }

    long length() {
        return FileIo.size(channel, path);
    }

    void read(ByteBuffer dst, long position) {
        FileIo.readFully(channel, dst, position, path);
    }

    /**
     * Reads what the file holds and zero-fills the rest: QEMU writes the last cluster of a file only as far
     * as the data goes, and a read past the end of a host file gives zeros there.
     */
    void readZeroPadded(ByteBuffer dst, long position) {
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position);
                if (n < 0) {
                    dev.diskfleet.storage.Zeros.fill(dst);
                    return;
                }
                position += n;
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("read", path, e);
        }
    }

    void write(ByteBuffer src, long position) {
        FileIo.writeFully(channel, src, position, path);
    }

    /** Writes clusters of guest data: past the page cache while the file is being built, where aligned. */
    void writeData(ByteBuffer src, long position) {
        directData.write(channel, src, position);
    }

    /** Where {@code length} bytes at {@code position} lie, for a copy the kernel makes. */
    HostExtent extent(long position, long length) {
        return new HostExtent(channel, path, position, length);
    }

    /** Makes the writes so far durable before the next step of an ordered update. */
    void barrier() {
        if (barriers) {
            FileIo.force(channel, path);
        }
    }

    void force() {
        FileIo.force(channel, path);
    }

    void truncate(long size) {
        FileIo.truncate(channel, size, path);
    }

    void close() {
        directData.close();
        FileIo.close(channel, path);
    }
}
