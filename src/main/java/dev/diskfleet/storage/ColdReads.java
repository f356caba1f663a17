package dev.diskfleet.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * <p>Only whole, aligned runs of one layer's plain data ({@link Chain#hostExtent}) go this way; anything
 * else, and a file system that refuses {@code O_DIRECT}, is left to the caller's ordinary read. The kernel
 * writes back a range's dirty pages before a direct read of it, so what this returns is what a cached read
 * would. Used by one copy's reading thread only; not thread-safe.
 */
final class ColdReads implements AutoCloseable {

    /** The span of one read-only mapping used to ask which pages are cached (a mapping is at most 2 GiB). */
    private static final long WINDOW = 1L << 30;

    private final Map<Path, FileChannel> direct = new HashMap<>();
    private final Map<Path, Window> windows = new HashMap<>();

    private record Window(long start, MappedByteBuffer pages) {

        boolean covers(long position, long length) {
            return position >= start && position + length <= start + pages.capacity();
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes of {@code source} at {@code offset} directly when they are one
     * aligned, uncached run; returns false, having read nothing, when the caller should read them itself.
     */
    boolean read(Chain source, long offset, ByteBuffer dst) {
        int length = dst.remaining();
        if (!aligned(dst, offset, length)) {
            return false;
        }
        HostExtent extent = source.hostExtent(offset, length).orElse(null);
        return extent != null && extent.length() == length && readsDirectly(extent)
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

    private static boolean aligned(ByteBuffer dst, long offset, int length) {
        return dst.isDirect() && length % DirectWrites.ALIGNMENT == 0 && offset % DirectWrites.ALIGNMENT == 0
                && dst.alignmentOffset(dst.position(), DirectWrites.ALIGNMENT) == 0;
    }

    /** Whether every page of the run is in the page cache; a run the mapping cannot cover counts as cached. */
    private boolean cached(HostExtent extent) {
        try {
            Window window = windows.get(extent.file());
            if (window == null || !window.covers(extent.position(), extent.length())) {
                long start = extent.position() / WINDOW * WINDOW;
                long size = Math.min(WINDOW, extent.channel().size() - start);
                if (size < extent.position() - start + extent.length()) {
                    return true;
                }
                window = new Window(start, extent.channel().map(FileChannel.MapMode.READ_ONLY, start, size));
                windows.put(extent.file(), window);
            }
            return window.pages().slice((int) (extent.position() - window.start()), (int) extent.length()).isLoaded();
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
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
