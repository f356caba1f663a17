package dev.diskfleet.storage.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A file channel that records every positional write and every force, in order, so a test can rebuild what
 * the disk would hold after a crash at any point: a kill keeps every write issued (the page cache survives),
 * a power loss keeps everything before the last force and any subset of the writes after it.
 */
final class RecordingChannel extends FileChannel {

    /** A write of {@code bytes} at {@code position}, or a force when {@code bytes} is null. */
    record Op(long position, byte[] bytes) {
        boolean isForce() {
            return bytes == null;
        }
    }

    private final FileChannel real;
    private final List<Op> ops = new ArrayList<>();

    RecordingChannel(FileChannel real) {
        this.real = real;
    }

    synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        ByteBuffer copy = src.duplicate();
        int n = real.write(src, position);
        byte[] bytes = new byte[n];
        copy.get(bytes);
        synchronized (this) {
            ops.add(new Op(position, bytes));
        }
        return n;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
        synchronized (this) {
            ops.add(new Op(-1, null));
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public long position() {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException("positional I/O only");
    }

    @Override
    public FileChannel truncate(long size) {
        throw new UnsupportedOperationException("not recorded: the write-back path never truncates");
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("not recorded");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("not recorded");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
