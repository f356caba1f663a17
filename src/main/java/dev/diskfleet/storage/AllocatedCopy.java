package dev.diskfleet.storage;

import java.nio.ByteBuffer;
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
 */
final class AllocatedCopy {

    static final int CHUNK = 1 << 20;
    /** Enough to keep the reader a few chunks ahead; memory stays bounded whatever the disk's size. */
    private static final int BUFFERS = 4;

    private final Chain source;
    private final long size;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    /** Room for every buffer plus the end marker, so the reader never blocks on handing over. */
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private volatile boolean cancelled;

    private record Chunk(long offset, ByteBuffer data, Throwable failure) {

        static final Chunk END = new Chunk(-1, null, null);
    }

    private AllocatedCopy(Chain source) {
        this.source = source;
        this.size = source.virtualSize();
        for (int i = 0; i < BUFFERS; i++) {
            free.add(ByteBuffer.allocateDirect(CHUNK));
        }
    }

    /** Copies everything {@code source} holds into {@code target}, which must read as zeros so far. */
    static void copy(Chain source, Chain target, Progress progress) {
        new AllocatedCopy(source).into(target, progress);
    }

    private void into(Chain target, Progress progress) {
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
                target.write(chunk.offset(), chunk.data());
                progress.update(chunk.offset() + chunk.data().limit(), size);
                free.add(chunk.data());
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

    private void readAhead() {
        try {
            for (long pos = 0; pos < size && !cancelled; pos += CHUNK) {
                int length = (int) Math.min(CHUNK, size - pos);
                if (!source.holdsAnything(pos, length)) {
                    continue;
                }
                ByteBuffer buf = free.take();
                buf.clear().limit(length);
                source.read(pos, buf);
                buf.flip();
                if (Zeros.isAllZero(buf)) {
                    free.add(buf);
                } else {
                    filled.add(new Chunk(pos, buf, null));
                }
            }
            filled.add(Chunk.END);
        } catch (InterruptedException e) {
            filled.add(new Chunk(-1, null, new StorageException("copy interrupted", e)));
        } catch (RuntimeException | Error e) {
            filled.add(new Chunk(-1, null, e));
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
            if (chunk.data() == null) {
                break;
            }
            free.add(chunk.data());
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
