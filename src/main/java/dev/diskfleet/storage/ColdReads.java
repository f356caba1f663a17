package dev.diskfleet.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the runs of a copy's source that are not in the page cache past it ({@code O_DIRECT}), as
 * {@code qemu-img convert -T none} does. A cold gigabyte read through the cache costs the kernel a copy
 * of every byte and a fresh page for each (on the 2-core VM, where freed memory goes back to the host,
 * 1.3–2.4 s of CPU per GiB with a wide spread); read directly it lands in our buffer by DMA (0.2 s, and
 * the clone no longer evicts what guests had cached). A run already cached is read through the cache,
 * which is faster still: whether it is, the kernel says ({@code mincore}, through
 * {@link MappedByteBuffer#isLoaded} on a read-only mapping of the file, which reads nothing).
 *
 * <p>What counts is what was cached when this copy first looked at that part of the file, not what is
 * cached by the time it gets there. Otherwise the kernel's read-ahead feeds itself: one run read through
 * the cache (a hot one, or the few pages next to a table the driver read) makes the kernel read the next
 * megabytes ahead into the cache, those then count as cached and are read through it, which reads further
 * ahead, and so on to the end of the file. Seen on the bench's qcow2 chain, where half of a cold golden went
 * through the cache that way: 2.1 s of CPU against 0.23 s with every run read directly. So the first look
 * at each gigabyte of a file notes which of its 64 KiB granules are wholly cached, and a run counts as
 * cached when every granule it touches was.
 *
 * <p>Only whole, aligned runs of one layer's plain data ({@link Chain#hostExtent}) go this way; anything
 * else, and a file system that refuses {@code O_DIRECT}, is left to the caller's ordinary read. The kernel
 * writes back a range's dirty pages before a direct read of it, so what this returns is what a cached read
 * would. Used by one copy's reading thread only; not thread-safe.
 */
final class ColdReads implements AutoCloseable {

    /** The span of file whose cached pages are looked up at once (a mapping is at most 2 GiB). */
    private static final long WINDOW = 1L << 30;
    /** A window reaches this far past its span, so that a run starting near its end still fits in it. */
    private static final long OVERLAP = 16L << 20;
    /** Cached pages are counted in runs of this size: a qcow2 cluster's, and a fraction of a VDI block. */
    private static final int GRANULE = 64 * 1024;

    private final Map<Path, FileChannel> direct = new HashMap<>();
    /** Looked up once per span of each file, and kept for the copy: see the class comment. */
    private final Map<WindowKey, Window> windows = new HashMap<>();

    private record WindowKey(Path file, long start) {
    }

    /** Which granules of a span of the file were wholly cached when the copy first got there. */
    private record Window(long start, long length, BitSet cachedGranules) {

        /** Looks the span up; a file that cannot be mapped gets a window that covers nothing. */
        static Window of(FileChannel channel, long start) {
            try {
                long length = Math.max(0, Math.min(WINDOW + OVERLAP, channel.size() - start));
                BitSet cached = new BitSet();
                if (length > 0) {
                    MappedByteBuffer pages = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
                    for (int granule = 0; (long) granule * GRANULE < length; granule++) {
                        int from = granule * GRANULE;
                        if (pages.slice(from, (int) Math.min(GRANULE, length - from)).isLoaded()) {
                            cached.set(granule);
                        }
                    }
                }
                return new Window(start, length, cached);
            } catch (IOException | UnsupportedOperationException e) {
                return new Window(start, 0, new BitSet());
            }
        }

        /** Whether the run lies in the file as it was when the window was made, and within the window's reach. */
        boolean covers(long position, long runLength) {
            return position + runLength <= start + length;
        }

        boolean cached(long position, long runLength) {
            int first = (int) ((position - start) / GRANULE);
            int last = (int) ((position - start + runLength - 1) / GRANULE);
            return cachedGranules.nextClearBit(first) > last;
        }
    }

    /**
     * Reads the run into {@code dst} (its {@code remaining()} bytes, as many as the run holds) directly when
     * {@link #readsDirectly} says so and the buffer suits direct I/O; returns false, having read nothing, when
     * the caller should read the run itself. A null run (nothing one layer stores as one run) is never read.
     */
    boolean read(HostExtent extent, ByteBuffer dst) {
        return extent != null && dst.remaining() == extent.length() && aligned(dst) && readsDirectly(extent)
                && readDirect(directChannel(extent.file()), extent, dst);
    }

    /**
     * Whether {@link #read} would take this run past the cache: it starts and ends on an aligned boundary,
     * none of it is cached, and its file opens for direct reads.
     */
    boolean readsDirectly(HostExtent extent) {
        return extent.position() % DirectWrites.ALIGNMENT == 0 && extent.length() % DirectWrites.ALIGNMENT == 0
                && !cached(extent) && directChannel(extent.file()) != null;
    }

    private static boolean aligned(ByteBuffer dst) {
        return dst.isDirect() && dst.remaining() % DirectWrites.ALIGNMENT == 0
                && dst.alignmentOffset(dst.position(), DirectWrites.ALIGNMENT) == 0;
    }

    /**
     * Whether every page of the run was in the page cache when this copy first looked at its part of the file.
     * A run the file does not wholly hold (a short last cluster), one reaching past its window (longer than
     * {@link #OVERLAP}), or one in a file that cannot be mapped counts as cached, and is read the ordinary way.
     */
    private boolean cached(HostExtent extent) {
        long start = extent.position() / WINDOW * WINDOW;
        Window window = windows.computeIfAbsent(new WindowKey(extent.file(), start), key -> Window.of(extent.channel(), start));
        return !window.covers(extent.position(), extent.length()) || window.cached(extent.position(), extent.length());
    }

    private FileChannel directChannel(Path file) {
        if (direct.containsKey(file)) {
            return direct.get(file);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            channel = null;
        }
        direct.put(file, channel);
        return channel;
    }

    /** A direct read of the run; on a refusal (alignment the device wants stricter) the caller reads instead. */
    private boolean readDirect(FileChannel channel, HostExtent extent, ByteBuffer dst) {
        ByteBuffer into = dst.duplicate();
        long position = extent.position();
        try {
            while (into.hasRemaining()) {
                int n = channel.read(into, position);
                if (n < 0) {
                    // a last cluster QEMU wrote short: the rest of the run reads as zeros
                    Zeros.fill(into);
                    break;
                }
                position += n;
            }
        } catch (IOException e) {
            direct.put(extent.file(), null);
            closeQuietly(channel);
            return false;
        }
        dst.position(dst.limit());
        return true;
    }

    @Override
    public void close() {
        direct.values().forEach(ColdReads::closeQuietly);
        direct.clear();
        windows.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // opened for reading only: nothing to lose
            }
        }
    }
}
