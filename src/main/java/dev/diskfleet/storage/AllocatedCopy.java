package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Copies what one chain holds into another, chunk by chunk, for clones and exports. Ranges the source
 * holds nothing for are neither read nor written, and a chunk that reads as zeros is not written either:
 * it stays unallocated in the target (a hole in a raw file), as {@code qemu-img convert} leaves it.
 *
 * <p>A second thread reads ahead while the calling thread writes. Both halves of a copy are mostly the
 * kernel copying between the page cache and our buffers, so overlapping them is what makes a clone as
 * fast as {@code qemu-img convert}, which keeps several requests in flight too. Reads through a chain
 * are safe on any thread; the target keeps its single writer, the calling thread. Nothing here ever
 * interrupts the reader: an interrupt would close the shared source file's channel.
 *
 * <p>A chunk that one layer stores as one plain, aligned run ({@link Chain#hostExtent}) and that is not in
 * the page cache is read past it ({@link ColdReads}), and a target being built writes it past the cache
 * too ({@link DirectWrites}): the bytes go from disk to our buffer to disk by DMA, and the copy costs
 * almost no CPU. Into a target that takes them (a raw export, {@link Chain#acceptsHostExtents}), such a
 * chunk that <em>is</em> cached is not read into the JVM at all: the writer hands its place in the source
 * file to the target ({@link Chain#allocateFrom}), and the kernel moves the bytes from file to file
 * ({@code sendfile}), one copy from memory. The reading thread makes sure such a chunk is still cached
 * ({@link HostExtent#readAhead}), so the reads from disk still overlap the writes. Only its first page is
 * read here, to rule out a chunk of zeros, which is read whole and left out as before. A chunk the target
 * cannot take that way is read and written.
 */
final class AllocatedCopy {

    static final int CHUNK = 1 << 20;
    /** Enough to keep the reader a few chunks ahead; memory stays bounded whatever the disk's size. */
    private static final int BUFFERS = 4;

    private final Chain source;
    private final long size;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    /** Chunks in flight: the reader waits when the writer is this far behind. */
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(2 * BUFFERS);
    private volatile boolean cancelled;
    /** Whether the target takes chunks the kernel moves; set before the reader starts. */
    private boolean moveExtents;

    /** Bytes read into {@code data}, or a run of the source file to move ({@code extent}), or the end or a failure. */
    private record Chunk(long offset, ByteBuffer data, HostExtent extent, Throwable failure) {

        static final Chunk END = new Chunk(-1, null, null, null);

        static Chunk failed(Throwable failure) {
            return new Chunk(-1, null, null, failure);
        }

        long length() {
            return data != null ? data.limit() : extent.length();
        }

        boolean last() {
            return this == END || failure != null;
        }
    }

    private static final Path NULL_DEVICE = Path.of("/dev/null");

    /** Bytes read from a chunk's start to rule out zeros before the kernel moves the rest unread. */
    private static final int PROBE = 4096;
    private final ByteBuffer probe = ByteBuffer.allocateDirect(PROBE);

    /** The writer's own buffer for a chunk the target would not take as an extent; made when first needed. */
    private ByteBuffer fallback;

    private AllocatedCopy(Chain source) {
        this.source = source;
        this.size = source.virtualSize();
        for (int i = 0; i < BUFFERS; i++) {
            // aligned, so a target being built can write them past the page cache (DirectWrites)
            free.add(DirectWrites.allocateAligned(CHUNK));
        }
    }

    /** Copies everything {@code source} holds into {@code target}, which must read as zeros so far. */
    static void copy(Chain source, Chain target, Progress progress) {
        new AllocatedCopy(source).into(target, progress);
    }

    private void into(Chain target, Progress progress) {
        moveExtents = target.acceptsHostExtents();
        Thread reader = new Thread(this::readAhead, "diskfleet-copy-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            for (Chunk chunk = next(); chunk != Chunk.END; chunk = next()) {
                if (chunk.failure() != null) {
                    done = true;
                    throw rethrow(chunk.failure());
                }
                if (chunk.extent() != null) {
                    store(chunk.offset(), chunk.extent(), target);
                } else {
                    target.write(chunk.offset(), chunk.data());
                    free.add(chunk.data());
                }
                progress.update(chunk.offset() + chunk.length(), size);
            }
            done = true;
            progress.update(size, size);
        } finally {
            if (!done) {
                cancelled = true;
                drain();
            }
            joinUninterruptibly(reader);
        }
    }

    /**
     * Lets the kernel move a run of the source into the target; where the target would not take it that
     * way, reads and writes it here (zeros left out).
     */
    private void store(long offset, HostExtent extent, Chain target) {
        if (target.allocateFrom(offset, extent)) {
            return;
        }
        if (fallback == null) {
            fallback = ByteBuffer.allocateDirect(CHUNK);
        }
        ByteBuffer buf = fallback.clear().limit((int) extent.length());
        source.read(offset, buf);
        buf.flip();
        if (!Zeros.isAllZero(buf)) {
            target.write(offset, buf);
        }
    }

    private void readAhead() {
        FileChannel sink = nullDevice();
        try {
            readAhead(sink);
        } finally {
            if (sink != null) {
                try {
                    sink.close();
                } catch (IOException ignored) {
                    // the null device holds nothing; the copy's outcome is already handed over
                }
            }
        }
    }

    /**
     * The null device, to read extents ahead into the page cache ({@link HostExtent#readAhead}); null where
     * there is none, and the writer's {@code sendfile} then reads them itself.
     */
    private static FileChannel nullDevice() {
        try {
            return FileChannel.open(NULL_DEVICE, StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void readAhead(FileChannel sink) {
        try (ColdReads coldReads = new ColdReads()) {
            for (long pos = 0; pos < size && !cancelled; pos += CHUNK) {
                int length = (int) Math.min(CHUNK, size - pos);
                if (!source.holdsAnything(pos, length)) {
                    continue;
                }
                HostExtent extent = source.hostExtent(pos, length).orElse(null);
                // A cold run is read past the cache into our buffer instead: moved by the kernel, it would
                // first be read into the cache, a fresh page for every 4 KiB, which costs more than the copy.
                if (moveExtents && extent != null && !coldReads.readsDirectly(extent) && startsWithData(pos)) {
                    if (sink != null) {
                        extent.readAhead(sink);
                    }
                    filled.put(new Chunk(pos, null, extent, null));
                    continue;
                }
                ByteBuffer buf = free.take();
                buf.clear().limit(length);
                if (!coldReads.read(extent, buf)) {
                    source.read(pos, buf);
                }
                buf.flip();
                if (Zeros.isAllZero(buf)) {
                    free.add(buf);
                } else {
                    filled.put(new Chunk(pos, buf, null, null));
                }
            }
            filled.put(Chunk.END);
        } catch (InterruptedException e) {
            handOver(Chunk.failed(new StorageException("copy interrupted", e)));
        } catch (RuntimeException | Error e) {
            handOver(Chunk.failed(e));
        }
    }

    /**
     * Whether the chunk at {@code offset} cannot be all zeros: its first {@value #PROBE} bytes are not. A
     * chunk whose probe reads as zeros is read whole and scanned, so every chunk that reads as zeros still
     * stays unallocated in the target, at the cost of one small read per chunk moved by the kernel.
     */
    private boolean startsWithData(long offset) {
        probe.clear().limit((int) Math.min(PROBE, size - offset));
        source.read(offset, probe);
        return !Zeros.isAllZero(probe.flip());
    }

    /** Hands the last chunk over even if interrupted: the writer waits for it. */
    private void handOver(Chunk last) {
        boolean interrupted = false;
        while (true) {
            try {
                filled.put(last);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next chunk in disk order; an interrupt of the writer ends the copy as a failure. */
    private Chunk next() {
        try {
            return filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("copy interrupted", e);
        }
    }

    /** After a failed write: hand buffers back until the reader sees {@link #cancelled} and stops. */
    private void drain() {
        boolean interrupted = Thread.interrupted();
        while (true) {
            Chunk chunk;
            try {
                chunk = filled.take();
            } catch (InterruptedException e) {
                interrupted = true;
                continue;
            }
            if (chunk.last()) {
                break;
            }
            if (chunk.data() != null) {
                free.add(chunk.data());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return (RuntimeException) failure;
    }
}
