package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.ZERO;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageNotWritableException;
import dev.diskfleet.storage.ParentLink;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * An open qcow2 file; units are clusters. Reads take no image lock (only the L2 cache's, briefly, see
 * {@link L2Cache}). The single writer allocates at the end of the file in QEMU's crash-safe order: the
 * data cluster (and a new L2 table) and their refcounts, a write barrier, then the L2 entry, or the L1
 * entry of a new L2 table; a crash leaves at most leaked clusters, never a pointer to a cluster whose
 * content or refcount is not on disk. Mutations and the check also
 * hold the image's monitor, which {@link dev.diskfleet.storage.Chain} already holds for writes.
 *
 * <p>Compressed clusters read as data. A write into one cannot be done in place: the cluster is inflated,
 * patched and stored as a new standard cluster, and the compressed cluster's refcounts are dropped. The
 * same happens to a data cluster whose copied flag is clear (shared, so not ours to overwrite).
 */
final class Qcow2Image implements ImageFile {

    private final Qcow2Format format;
    private final HostFile host;
    private final Qcow2Header header;
    private final ClusterGeometry g;
    private final HeaderExtensions extensions;
    /** Changes only by {@link #relinkParent}, under the image's monitor. */
    private volatile String backingFileName;
    private final ClusterMap map;
    private final RefcountTable refcounts;
    private final ClusterAllocator allocator;
    private final SnapshotTable snapshots;
    private final UUID id;
    private final boolean writable;
    private boolean autoclearCleared;

    Qcow2Image(Qcow2Format format, HostFile host, Qcow2Header header, ClusterGeometry g, HeaderExtensions extensions,
            String backingFileName, ClusterMap map, RefcountTable refcounts, SnapshotTable snapshots, UUID id,
            boolean writable) {
        this.format = format;
        this.host = host;
        this.header = header;
        this.g = g;
        this.extensions = extensions;
        this.backingFileName = backingFileName;
        this.map = map;
        this.refcounts = refcounts;
        this.allocator = new ClusterAllocator(host, g, refcounts, host.length());
        this.snapshots = snapshots;
        this.id = id;
        this.writable = writable;
        this.autoclearCleared = header.autoclearFeatures() == 0;
    }

    @Override
    public ImageFormat format() {
        return format;
    }

    @Override
    public UUID id() {
        return id;
    }

    /** The plain file name an overlay records as its backing file. */
    String fileName() {
        return host.name();
    }

    long version() {
        return header.version();
    }

    @Override
    public long virtualSize() {
        return header.size();
    }

    @Override
    public int unitSize() {
        return g.clusterSize();
    }

    @Override
    public Variant variant() {
        return Variant.DYNAMIC;
    }

    @Override
    public Optional<ParentLink> parentLink() {
        return backingFileName == null ? Optional.empty() : Optional.of(ParentLink.byFileName(backingFileName));
    }

    @Override
    public void verifyParent(ImageFile parent) {
        if (backingFileName == null) {
            throw new ChainException("qcow2 image " + id + " has no backing file, so no parent");
        }
        if (!(parent instanceof Qcow2Image qcow2Parent)) {
            throw new ChainException("qcow2 overlay " + id + " needs a qcow2 backing file, got "
                    + parent.format().name() + " image " + parent.id());
        }
        String recordedFormat = extensions.backingFormat();
        if (recordedFormat != null && !recordedFormat.equals(format.name())) {
            throw new ChainException("qcow2 overlay " + id + " records backing format '" + recordedFormat
                    + "', but its parent " + parent.id() + " is qcow2");
        }
        if (!backingFileName.equals(qcow2Parent.fileName())) {
            throw new ChainException("qcow2 overlay " + id + " names backing file '" + backingFileName
                    + "', not '" + qcow2Parent.fileName() + "' (image " + parent.id() + ")");
        }
        if (parent.virtualSize() != virtualSize()) {
            throw new ChainException("qcow2 overlay " + id + " is " + virtualSize() + " bytes, but its backing file "
                    + parent.id() + " is " + parent.virtualSize() + " bytes");
        }
    }

    /**
     * Rewrites the backing file name in place in the header cluster. Store files are named
     * {@code <uuid>.qcow2}, so the new name has the length of the old one and the header's offset and size
     * fields stay as they are; a name of another length is refused rather than moving the name.
     */
    @Override
    public synchronized void relinkParent(ImageFile newParent) {
        if (backingFileName == null) {
            throw new ChainException("qcow2 image " + id + " has no backing file to replace");
        }
        if (!(newParent instanceof Qcow2Image qcow2Parent)) {
            throw new ChainException("qcow2 overlay " + id + " needs a qcow2 backing file, got "
                    + newParent.format().name() + " image " + newParent.id());
        }
        if (newParent.virtualSize() != virtualSize()) {
            throw new ChainException("qcow2 image " + newParent.id() + " is " + newParent.virtualSize()
                    + " bytes, but overlay " + id + " is " + virtualSize() + " bytes");
        }
        if (!writable) {
            throw new StorageException("image " + id + " is open read-only");
        }
        byte[] name = qcow2Parent.fileName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length != header.backingFileSize()) {
            throw new ChainException("qcow2 overlay " + id + " names a " + header.backingFileSize()
                    + "-byte backing file; the new name '" + qcow2Parent.fileName() + "' is " + name.length
                    + " bytes and cannot be written in its place");
        }
        host.barrier();
        host.write(ByteBuffer.wrap(name), header.backingFileOffset());
        host.force();
        backingFileName = qcow2Parent.fileName();
    }

    @Override
    public UnitState unitState(long unit) {
        return L2Entry.state(map.entry(unit));
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        long unit = offset >>> g.clusterBits();
        int within = (int) (offset & (g.clusterSize() - 1));
        long entry = map.entry(unit);
        if (L2Entry.isCompressed(entry)) {
            ByteBuffer cluster = CompressedCluster.inflate(host, g, entry);
            dst.put(cluster.position(within).limit(within + dst.remaining()));
        } else if (L2Entry.state(entry) == UnitState.DATA) {
            host.readZeroPadded(dst, L2Entry.hostOffset(entry) + within);
        } else {
            throw new IllegalStateException("cluster " + unit + " of " + id + " holds no data");
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
        beginChange();
        long unit = offset >>> g.clusterBits();
        int within = (int) (offset & (g.clusterSize() - 1));
        long entry = map.entry(unit);
        if (L2Entry.isWritableInPlace(entry) && ownsTable(unit)) {
            host.write(src, L2Entry.hostOffset(entry) + within);
            return;
        }
        if (L2Entry.state(entry) != UnitState.DATA) {
            throw new IllegalStateException("cluster " + unit + " of " + id + " holds no data to overwrite");
        }
        ByteBuffer whole = ByteBuffer.allocate(g.clusterSize());
        read(unit << g.clusterBits(), whole);
        whole.position(within).put(src).clear();
        store(unit, whole, entry);
    }

    @Override
    public synchronized void allocate(long unit, ByteBuffer src) {
        long entry = map.entry(unit);
        if (L2Entry.state(entry) == UnitState.DATA) {
            throw new IllegalStateException("cluster " + unit + " of " + id + " is already allocated");
        }
        beginChange();
        store(unit, src, entry);
    }

    @Override
    public synchronized void markZero(long unit) {
        long entry = map.entry(unit);
        if (L2Entry.state(entry) == UnitState.DATA) {
            throw new IllegalStateException("cluster " + unit + " of " + id + " holds data; overwrite it instead");
        }
        beginChange();
        // Version 2 has no zero flag: a cluster of zeros masks the backing file instead.
        store(unit, header.version() < 3 ? ByteBuffer.allocate(g.clusterSize()) : null, entry);
    }

    @Override
    public synchronized void discardAll() {
        beginChange();
        long length = new Qcow2Reset(host, g, map, refcounts).run();
        allocator.restartAfter(length);
    }

    @Override
    public synchronized CheckReport check() {
        return new Qcow2Check(this, host, g, refcounts, map, snapshots).run();
    }

    @Override
    public long allocatedBytes() {
        return host.length();
    }

    @Override
    public void flush() {
        if (writable) {
            host.force();
        }
    }

    @Override
    public void close() {
        host.close();
    }

    /**
     * Points {@code unit} at new content: a data cluster holding {@code data}, or the zero flag when
     * {@code data} is null. Order: content (and a new L2 table) and their refcounts, barrier, then the one
     * pointer that publishes them (the L2 entry, or the L1 entry of a new table that already holds it);
     * the clusters the old entry held are freed last.
     */
    private void store(long unit, ByteBuffer data, long oldEntry) {
        int l1Index = map.l1Index(unit);
        long l1Entry = map.l1Entry(l1Index);
        boolean newTable = (l1Entry & OFFSET_MASK) == 0;
        if (!newTable && !ownsTable(unit)) {
            throw new StorageException("image " + id + ": the L2 table for cluster " + unit
                    + " is shared (its copied flag is clear); writing it would change another user of it");
        }
        long dataCluster = data == null ? -1 : allocator.reserve();
        long tableCluster = newTable ? allocator.reserve() : -1;
        long entry = data == null ? ZERO : COPIED | g.offsetOf(dataCluster);
        if (data != null) {
            if (data.remaining() < g.clusterSize()) {
                throw new IllegalArgumentException("a cluster of " + id + " needs " + g.clusterSize()
                        + " bytes, got " + data.remaining());
            }
            host.write(data.duplicate().limit(data.position() + g.clusterSize()), g.offsetOf(dataCluster));
        }
        ByteBuffer table = newTable ? map.newTable(unit, entry) : null;
        if (newTable) {
            host.write(table.duplicate(), g.offsetOf(tableCluster));
        }
        if (data != null) {
            refcounts.set(dataCluster, 1);
        }
        if (newTable) {
            refcounts.set(tableCluster, 1);
        }
        // One barrier suffices: content and refcounts may reach the disk in either order (a refcount
        // without its pointer is a leak), but both must be there before the pointer is.
        host.barrier();
        if (newTable) {
            map.publishTable(l1Index, g.offsetOf(tableCluster), table);
        } else {
            map.setEntry(unit, entry);
        }
        if (L2Entry.holdsClusters(oldEntry)) {
            host.barrier();
            release(oldEntry);
        }
    }

    private void release(long entry) {
        if (L2Entry.isCompressed(entry)) {
            long offset = g.compressedOffset(entry);
            long last = g.clusterOf(offset + g.compressedSpan(entry) - 1);
            for (long c = g.clusterOf(offset); c <= last; c++) {
                refcounts.decrement(c);
            }
        } else {
            refcounts.decrement(g.clusterOf(L2Entry.hostOffset(entry)));
        }
    }

    private boolean ownsTable(long unit) {
        return (map.l1Entry(map.l1Index(unit)) & COPIED) != 0;
    }

    private void beginChange() {
        if (!writable) {
            throw new StorageException("image " + id + " is open read-only");
        }
        if (snapshots.l1Tables().size() > 0) {
            throw new ImageNotWritableException("qcow2 image " + id + " has " + snapshots.l1Tables().size()
                    + " internal snapshots, which share its clusters; it can be read (and used as a base) but not"
                    + " written. Delete them with 'qemu-img snapshot -d' first");
        }
        if (!autoclearCleared) {
            // Autoclear features describe data (bitmaps) we do not keep up to date: clear them, as QEMU does.
            host.write(ByteBuffer.allocate(8), Qcow2Header.OFF_AUTOCLEAR);
            host.barrier();
            autoclearCleared = true;
        }
    }
}
