package dev.diskfleet.nbd;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What an export serves: a fixed-size disk addressed in bytes. Reads may run on many threads at once;
 * the device serialises its own writers. Ranges passed in are already checked against {@link #size()}.
 */
public interface BlockDevice {

    long size();

    boolean writable();

    /** Whether {@link #writeZeroes} zeroes without storing data for whole units (else it is refused). */
    boolean canWriteZeroes();

    /** Whether {@link #trim} can release space (else TRIM is not advertised and refused). */
    boolean canTrim();

    /** Reads {@code dst.remaining()} bytes at {@code offset}. */
    void read(long offset, ByteBuffer dst);

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}; durable only after {@link #flush()}.
     *
     * @throws NoSpaceException when there is no room for it (the client gets ENOSPC)
     */
    void write(long offset, ByteBuffer src);

    void writeZeroes(long offset, long length);

    void trim(long offset, long length);

    /** Forces every write that returned before this call to stable storage. */
    void flush();

    /**
     * Consecutive extents from {@code offset}, covering at most {@code length} bytes and at most
     * {@code maxExtents} entries (fewer when it stops early); never empty for a non-empty range.
     */
    List<Extent> allocation(long offset, long length, int maxExtents);
}
