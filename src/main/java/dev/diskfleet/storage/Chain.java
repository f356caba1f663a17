package dev.diskfleet.storage;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A virtual disk as a guest sees it: a stack of image files, the top one written, each reading through
 * to the one below where it holds nothing. Written once for every format (drivers only answer "what does
 * this file hold for this unit").
 *
 * <p>Reads take no lock and may run on many threads at once. Writes, merges and resets are serialised
 * on the monitor of the image file they change: a single writer per file, which the drivers rely on,
 * even when several chains share one open file.
 */
public final class Chain implements Closeable {

    private final List<ImageFile> layers;
    /** One unit of copy-on-write scratch space, used only while holding the top file's monitor. */
    private ByteBuffer scratch;

    /**
     * @param layers top first, base last; each layer's parent link is verified against the next
     * @throws ChainException when a link does not hold (the layers are then not closed; the caller owns them)
     */
    public Chain(List<ImageFile> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one image");
        }
        this.layers = List.copyOf(layers);
        for (int i = 0; i + 1 < this.layers.size(); i++) {
            this.layers.get(i).verifyParent(this.layers.get(i + 1));
        }
        if (this.layers.get(this.layers.size() - 1).parentLink().isPresent()) {
            throw new ChainException("image " + this.layers.get(this.layers.size() - 1).id()
                    + " is a differencing image, but its parent was not given");
        }
    }

    public ImageFile top() {
        return layers.get(0);
    }

    public ImageFile base() {
        return layers.get(layers.size() - 1);
    }

    /** Top first, base last. */
    public List<ImageFile> layers() {
        return layers;
    }

    public int depth() {
        return layers.size();
    }

    public long virtualSize() {
        return top().virtualSize();
    }

    /** Reads {@code dst.remaining()} bytes of the virtual disk at {@code offset}, through the chain. */
    public void read(long offset, ByteBuffer dst) {
        checkRange(offset, dst.remaining());
        readFrom(0, offset, dst);
    }

    /** Whether any layer holds data or a zero record anywhere in {@code [offset, offset + length)}. */
    public boolean holdsAnything(long offset, long length) {
        return holdsAnything(0, offset, length);
    }

    /**
     * Where the layer that supplies {@code [offset, offset + length)} stores it, when that is one plain run
     * of data in one layer's host file: a copy can then let the kernel move the bytes. Empty otherwise
     * (zeros, data from several layers or in pieces, a driver that does not say).
     */
    public Optional<HostExtent> hostExtent(long offset, long length) {
        checkRange(offset, length);
        for (ImageFile layer : layers) {
            if (offset + length > layer.virtualSize()) {
                return Optional.empty();
            }
            UnitState state = layer.unitState(offset / layer.unitSize());
            if (state == UnitState.ABSENT && !layerHolds(layer, offset, length)) {
                continue;
            }
            if (state != UnitState.DATA || layer.dataRun(offset, length) < length) {
                return Optional.empty();
            }
            return layer.hostExtent(offset, length);
        }
        return Optional.empty();
    }

    /** Whether a copy into this chain should hand its top {@link HostExtent}s: see {@link ImageFile#acceptsHostExtents}. */
    public boolean acceptsHostExtents() {
        return top().acceptsHostExtents();
    }

    /**
     * Stores {@code source}'s bytes at {@code offset} in the top image as new whole units, letting the kernel
     * move them. Returns false, having changed nothing, unless the range is whole units the top's driver
     * can take that way (units it does not hold yet); the caller then writes the bytes with {@link #write}.
     */
    public boolean allocateFrom(long offset, HostExtent source) {
        checkRange(offset, source.length());
        ImageFile top = top();
        int unitSize = top.unitSize();
        if (offset % unitSize != 0 || source.length() % unitSize != 0) {
            return false;
        }
        synchronized (top) {
            return top.allocateFrom(offset / unitSize, source);
        }
    }

    /**
     * Writes into the top image only. A partial write into a unit the top lacks first copies the rest
     * of that unit from below (copy-on-write), so the untouched bytes keep reading as they did.
     */
    public void write(long offset, ByteBuffer src) {
        checkRange(offset, src.remaining());
        synchronized (top()) {
            writeInto(0, offset, src);
        }
    }

    /**
     * As {@link #write}, with write-back of the top's metadata ({@link ImageFile#deferringMetadata}): the
     * write is durable only after {@link #flush()}. For a writer that flushes when its guest asks (NBD).
     */
    public void writeCached(long offset, ByteBuffer src) {
        checkRange(offset, src.remaining());
        ImageFile top = top();
        synchronized (top) {
            top.deferringMetadata(() -> writeInto(0, offset, src));
        }
    }

    /** Empties the top image (autoreset): the chain then reads exactly as its parent. */
    public void resetTop() {
        synchronized (top()) {
            top().discardAll();
        }
    }

    /**
     * Copies everything the top image holds into the layer below (deleting a snapshot). Afterwards the
     * chain without its top reads exactly as the whole chain did before. Re-running an interrupted merge
     * completes it: the top is left untouched, and the parent keeps its modification stamp (VDI) so the top
     * still verifies against it. What the top reads never changes meanwhile, since it holds every unit
     * written into the parent. The caller renews the parent's stamp once the top is gone
     * ({@link ImageFile#renewModificationStamp()}).
     */
    public void mergeTopIntoParent() {
        if (layers.size() < 2) {
            throw new StorageException("image " + top().id() + " has no parent to merge into");
        }
        ImageFile child = top();
        ByteBuffer unit = ByteBuffer.allocateDirect(child.unitSize());
        ImageFile parent = layers.get(1);
        synchronized (child) {
            synchronized (parent) {
                parent.changeKeepingView(() -> mergeUnits(child, unit));
            }
        }
    }

    private void mergeUnits(ImageFile child, ByteBuffer unit) {
        for (long u = 0; u < child.unitCount(); u++) {
            UnitState state = child.unitState(u);
            if (state == UnitState.ABSENT) {
                continue;
            }
            long offset = u * child.unitSize();
            int length = (int) Math.min(child.unitSize(), child.virtualSize() - offset);
            unit.clear().limit(length);
            if (state == UnitState.DATA) {
                child.read(offset, unit);
            } else {
                Zeros.fill(unit);
            }
            unit.flip();
            writeInto(1, offset, unit);
        }
        layers.get(1).flush();
    }

    /**
     * Copies into the top image every unit it lacks where the layer below holds data or a zero record (a
     * forward merge, deleting a snapshot whose medium is the parent). What the top reads does not change:
     * those units read through to that layer anyway. Afterwards the top can be relinked past that layer.
     * Re-running an interrupted merge completes it. Whole units are written, so nothing is copied on write.
     */
    public void mergeParentIntoTop() {
        if (layers.size() < 2) {
            throw new StorageException("image " + top().id() + " has no parent to merge");
        }
        ImageFile top = top();
        ImageFile parent = layers.get(1);
        ByteBuffer unit = ByteBuffer.allocateDirect(top.unitSize());
        synchronized (top) {
            synchronized (parent) {
                top.changeKeepingView(() -> copyParentUnits(top, parent, unit));
            }
        }
    }

    private void copyParentUnits(ImageFile top, ImageFile parent, ByteBuffer unit) {
        for (long u = 0; u < top.unitCount(); u++) {
            long offset = u * top.unitSize();
            int length = (int) Math.min(top.unitSize(), top.virtualSize() - offset);
            if (top.unitState(u) != UnitState.ABSENT || !layerHolds(parent, offset, length)) {
                continue;
            }
            // The parent's view of the unit (through to the layers below where the parent lacks a part of it,
            // when unit sizes differ): exactly what the top read there.
            unit.clear().limit(length);
            readFrom(1, offset, unit);
            unit.flip();
            writeInto(0, offset, unit);
        }
        top.flush();
    }

    /** Whether this one layer (not the ones below it) holds data or a zero record in the range. */
    private static boolean layerHolds(ImageFile layer, long offset, long length) {
        long end = Math.min(offset + length, layer.virtualSize());
        for (long u = offset / layer.unitSize(); u * layer.unitSize() < end; u++) {
            if (layer.unitState(u) != UnitState.ABSENT) {
                return true;
            }
        }
        return false;
    }

    /** Makes every write so far durable, {@link #writeCached} ones included. */
    public void flush() {
        top().flush();
    }

    @Override
    public void close() {
        for (ImageFile layer : layers) {
            layer.close();
        }
    }

    private void readFrom(int level, long offset, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            if (level == layers.size() || offset >= layers.get(level).virtualSize()) {
                Zeros.fill(dst);
                return;
            }
            ImageFile layer = layers.get(level);
            long unit = offset / layer.unitSize();
            UnitState state = layer.unitState(unit);
            int length = state == UnitState.DATA
                    ? (int) layer.dataRun(offset, Math.min(dst.remaining(), layer.virtualSize() - offset))
                    : pieceLength(layer, offset, dst.remaining());
            ByteBuffer piece = dst.slice(dst.position(), length);
            switch (state) {
                case DATA -> layer.read(offset, piece);
                case ZERO -> Zeros.fill(piece);
                case ABSENT -> readFrom(level + 1, offset, piece);
            }
            dst.position(dst.position() + length);
            offset += length;
        }
    }

    private boolean holdsAnything(int level, long offset, long length) {
        long end = offset + length;
        while (offset < end) {
            if (level == layers.size() || offset >= layers.get(level).virtualSize()) {
                return false;
            }
            ImageFile layer = layers.get(level);
            int piece = pieceLength(layer, offset, end - offset);
            UnitState state = layer.unitState(offset / layer.unitSize());
            if (state != UnitState.ABSENT || holdsAnything(level + 1, offset, piece)) {
                return true;
            }
            offset += piece;
        }
        return false;
    }

    private void writeInto(int level, long offset, ByteBuffer src) {
        ImageFile layer = layers.get(level);
        int unitSize = layer.unitSize();
        while (src.hasRemaining()) {
            long unit = offset / unitSize;
            int run = newUnitsAhead(layer, offset, src);
            if (run > 0) {
                // Whole units of data the layer lacks: one request for the driver to store them together.
                layer.allocateRun(unit, src.slice(src.position(), run * unitSize));
                src.position(src.position() + run * unitSize);
                offset += (long) run * unitSize;
                continue;
            }
            int length = pieceLength(layer, offset, src.remaining());
            ByteBuffer piece = src.slice(src.position(), length);
            writeUnit(level, unit, offset, piece);
            src.position(src.position() + length);
            offset += length;
        }
    }

    private void writeUnit(int level, long unit, long offset, ByteBuffer piece) {
        ImageFile layer = layers.get(level);
        UnitState state = layer.unitState(unit);
        if (state == UnitState.DATA) {
            layer.write(offset, piece);
            return;
        }
        long unitStart = unit * layer.unitSize();
        int unitLength = (int) Math.min(layer.unitSize(), layer.virtualSize() - unitStart);
        boolean wholeUnit = offset == unitStart && piece.remaining() == unitLength;
        if (wholeUnit && Zeros.isAllZero(piece)) {
            // Zeros need no data block: the unit already reads as zeros, or a zero record masks the parent.
            boolean readsZeroAlready = state == UnitState.ZERO || !holdsAnything(level + 1, unitStart, unitLength);
            if (!readsZeroAlready) {
                layer.markZero(unit);
            }
            return;
        }
        if (wholeUnit && unitLength == layer.unitSize()) {
            // Nothing to copy from below and no tail to pad: store the caller's bytes without staging them.
            layer.allocate(unit, piece);
            return;
        }
        ByteBuffer whole = scratch(layer.unitSize());
        whole.limit(unitLength);
        if (!wholeUnit) {
            if (state == UnitState.ZERO) {
                Zeros.fill(whole);
            } else {
                readFrom(level + 1, unitStart, whole);
            }
        }
        whole.position((int) (offset - unitStart));
        whole.put(piece);
        // Past the end of the virtual disk the unit's tail stays zero.
        whole.limit(layer.unitSize()).position(unitLength);
        Zeros.fill(whole);
        // Exactly one unit of this layer, even when the scratch buffer is larger (layers of other unit sizes).
        whole.flip();
        layer.allocate(unit, whole);
    }

    /**
     * How many whole, full-size units from {@code offset} the layer lacks and {@code src} fills with data
     * that is not all zeros: those {@link #writeUnit} would hand to {@link ImageFile#allocate} one by one.
     */
    private static int newUnitsAhead(ImageFile layer, long offset, ByteBuffer src) {
        int unitSize = layer.unitSize();
        if (offset % unitSize != 0) {
            return 0;
        }
        int run = 0;
        long unit = offset / unitSize;
        while ((run + 1L) * unitSize <= src.remaining() && (unit + run + 1) * unitSize <= layer.virtualSize()
                && layer.unitState(unit + run) != UnitState.DATA
                && !Zeros.isAllZero(src.slice(src.position() + run * unitSize, unitSize))) {
            run++;
        }
        return run;
    }

    private ByteBuffer scratch(int size) {
        if (scratch == null || scratch.capacity() < size) {
            scratch = ByteBuffer.allocateDirect(size);
        }
        return scratch.clear().limit(size);
    }

    private static int pieceLength(ImageFile layer, long offset, long wanted) {
        long unitEnd = (offset / layer.unitSize() + 1) * layer.unitSize();
        return (int) Math.min(Math.min(wanted, unitEnd - offset), layer.virtualSize() - offset);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > virtualSize() - length) {
            throw new StorageException("range [" + offset + ", " + (offset + length) + ") is outside the "
                    + virtualSize() + "-byte virtual disk");
        }
    }
}
