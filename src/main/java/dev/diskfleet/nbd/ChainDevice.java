package dev.diskfleet.nbd;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A storage {@link Chain} as an NBD device: reads through every layer, writes copy-on-write into the
 * top image, as the HTTP guest-data endpoint does through {@code ImageStore.read/write}, but flushed only
 * on FLUSH or FUA: writes go through {@link Chain#writeCached}, so a qcow2 top keeps new clusters' L2
 * entries in memory until the flush (write-back, as qemu-nbd's default cache), and FLUSH writes them back
 * before it is answered. The chain shares the store's open files, so this device never closes it.
 *
 * <p>WRITE_ZEROES is cheap here: whole units of zeros become zero records (or nothing, where the unit
 * already reads as zeros) without data. TRIM is not offered: no driver can release a unit it stored.
 */
public final class ChainDevice implements BlockDevice {

    /** Zeros are written in aligned steps this large: a multiple of every unit size, so whole units stay whole. */
    private static final int ZERO_STEP = 4 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_STEP).asReadOnlyBuffer();

    private final Chain chain;
    private final boolean writable;

    public ChainDevice(Chain chain, boolean writable) {
        this.chain = chain;
        this.writable = writable;
    }

    @Override
    public long size() {
        return chain.virtualSize();
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public boolean canWriteZeroes() {
        return writable;
    }

    @Override
    public boolean canTrim() {
        return false;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        chain.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        requireWritable();
        chain.writeCached(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length) {
        requireWritable();
        long end = offset + length;
        for (long pos = offset; pos < end; ) {
            long stepEnd = Math.min(end, (pos / ZERO_STEP + 1) * ZERO_STEP);
            chain.writeCached(pos, ZEROS.duplicate().limit((int) (stepEnd - pos)));
            pos = stepEnd;
        }
    }

    @Override
    public void trim(long offset, long length) {
        throw new UnsupportedOperationException("the storage drivers cannot release a stored unit");
    }

    @Override
    public void flush() {
        chain.flush();
    }

    @Override
    public List<Extent> allocation(long offset, long length, int maxExtents) {
        long end = Math.min(size(), offset + length);
        List<Extent> extents = new ArrayList<>();
        for (long pos = offset; pos < end; ) {
            Extent next = probe(0, pos, end - pos);
            int last = extents.size() - 1;
            if (last >= 0 && extents.get(last).flags() == next.flags()) {
                extents.set(last, extents.get(last).longerBy(next.length()));
            } else if (extents.size() == maxExtents) {
                break;
            } else {
                extents.add(next);
            }
            pos += next.length();
        }
        return extents;
    }

    /** The state at {@code offset} for at most {@code max} bytes: from the first layer that holds the unit. */
    private Extent probe(int level, long offset, long max) {
        List<ImageFile> layers = chain.layers();
        if (level == layers.size() || offset >= layers.get(level).virtualSize()) {
            return Extent.zeroHole(max);
        }
        ImageFile layer = layers.get(level);
        long unit = offset / layer.unitSize();
        long piece = Math.min(max, (unit + 1) * layer.unitSize() - offset);
        return switch (layer.unitState(unit)) {
            case DATA -> Extent.data(piece);
            case ZERO -> Extent.zeroHole(piece);
            case ABSENT -> probe(level + 1, offset, piece);
        };
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("the device is read-only");
        }
    }
}
