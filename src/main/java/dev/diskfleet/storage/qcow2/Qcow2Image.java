package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.ZERO;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.HostExtent;
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
 *
 * <p>Write-back ({@link #deferringMetadata}, for guest-facing writers such as the NBD server): a new
 * cluster's content and refcount are written at once but its L2 entry (and a new table's L1 entry) is kept
 * in memory, visible to readers, and written at {@link #flush}, on close, before any durable change, or
 * when more than {@value #MAX_DIRTY_TABLES} L2 tables are dirty: content, refcounts and new L2 tables
 * (which nothing points at yet), barrier, changed L2 tables and L1 entries, barrier (QEMU's qcow2 cache with cache=writeback
 * orders its write-back the same way). A crash before the flush loses those writes (their clusters leak);
 * it cannot leave a pointer to a cluster whose content or refcount is not on disk.
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
    /** Dirty L2 tables held at most before they are written back: 64 tables of 64 KiB, 4 MiB of memory. */
    static final int MAX_DIRTY_TABLES = 64;
    /** True only while {@link #deferringMetadata} runs, under the image's monitor. */
    private boolean deferring;

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
        writeBackIfDirty();
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

    /**
     * Runs {@code writes} with new clusters' metadata deferred to the next {@link #flush} (see the class
     * comment). Only new clusters are deferred: a write that frees a cluster (a compressed or shared one
     * rewritten) writes the deferred metadata back first and goes the durable way.
     */
    @Override
    public synchronized void deferringMetadata(Runnable writes) {
        deferring = true;
        try {
            writes.run();
        } finally {
            deferring = false;
        }
        if (map.dirtyTables() > MAX_DIRTY_TABLES) {
            writeBackMetadata();
            host.barrier();
        }
    }

    @Override
    public UnitState unitState(long unit) {
        return L2Entry.state(map.entry(unit));
    }

    /**
     * Reads clusters whose data lies back to back in the host file with one system call (a new file's
     * clusters are allocated in order, so a chunk of a clone or an export is usually one run).
     */
    @Override
    public void read(long offset, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            long unit = offset >>> g.clusterBits();
            int within = (int) (offset & (g.clusterSize() - 1));
            long entry = map.entry(unit);
            int length;
            if (L2Entry.isCompressed(entry)) {
                length = Math.min(dst.remaining(), g.clusterSize() - within);
                ByteBuffer cluster = CompressedCluster.inflate(host, g, entry);
                dst.put(cluster.position(within).limit(within + length));
            } else if (L2Entry.state(entry) == UnitState.DATA) {
                length = (int) dataRun(offset, dst.remaining());
                ByteBuffer piece = dst.slice(dst.position(), length);
                host.readZeroPadded(piece, L2Entry.hostOffset(entry) + within);
                dst.position(dst.position() + length);
            } else {
                throw new IllegalStateException("cluster " + unit + " of " + id + " holds no data");
            }
            offset += length;
        }
    }

    /** The rest of the cluster, and of each following one stored right after it (uncompressed, not zero). */
    @Override
    public long dataRun(long offset, long maxLength) {
        long unit = offset >>> g.clusterBits();
        long length = Math.min(maxLength, g.clusterSize() - (offset & (g.clusterSize() - 1)));
        long entry = map.entry(unit);
        if (!isPlainData(entry)) {
            return length;
        }
        long nextHost = L2Entry.hostOffset(entry) + g.clusterSize();
        while (length < maxLength) {
            long next = map.entry(++unit);
            if (!isPlainData(next) || L2Entry.hostOffset(next) != nextHost) {
                break;
            }
            length += Math.min(g.clusterSize(), maxLength - length);
            nextHost += g.clusterSize();
        }
        return length;
    }

    @Override
    public Optional<HostExtent> hostExtent(long offset, long length) {
        long entry = map.entry(offset >>> g.clusterBits());
        if (!isPlainData(entry) || dataRun(offset, length) < length) {
            return Optional.empty();
        }
        return Optional.of(host.extent(L2Entry.hostOffset(entry) + (offset & (g.clusterSize() - 1)), length));
    }

    private static boolean isPlainData(long entry) {
        return !L2Entry.isCompressed(entry) && L2Entry.state(entry) == UnitState.DATA;
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

    /**
     * Stores the clusters of a run in as few requests as the file allows: where their L2 table exists and
     * the entries hold no clusters yet, a run of new clusters at the end of the file takes the data in one
     * write, their refcounts in one write, and, after the barrier, their L2 entries in one write. Anything
     * else (a new L2 table, an entry to release) goes through {@link #store} one cluster at a time.
     */
    @Override
    public synchronized void allocateRun(long firstUnit, ByteBuffer src) {
        if (src.remaining() % g.clusterSize() != 0) {
            throw new IllegalArgumentException("a run of clusters of " + id + " needs whole " + g.clusterSize()
                    + "-byte clusters, got " + src.remaining() + " bytes");
        }
        int units = src.remaining() / g.clusterSize();
        int done = 0;
        while (done < units) {
            long unit = firstUnit + done;
            ByteBuffer rest = src.slice(src.position() + done * g.clusterSize(), (units - done) * g.clusterSize());
            long entry = map.entry(unit);
            if (L2Entry.state(entry) == UnitState.DATA) {
                throw new IllegalStateException("cluster " + unit + " of " + id + " is already allocated");
            }
            beginChange();
            int batch = batchable(unit, units - done);
            if (batch == 0) {
                store(unit, rest, entry);
                done++;
            } else {
                done += storeRun(unit, rest, batch);
            }
        }
    }

    /** How many clusters from {@code unit} one {@link #storeRun} can take: 0 when the first needs {@link #store}. */
    private int batchable(long unit, int wanted) {
        long l1Entry = map.l1Entry(map.l1Index(unit));
        if ((l1Entry & OFFSET_MASK) == 0 || (l1Entry & COPIED) == 0) {
            return 0;
        }
        int limit = (int) Math.min(wanted, g.l2Entries() - map.l2Index(unit));
        int n = 0;
        while (n < limit && !L2Entry.holdsClusters(map.entry(unit + n))
                && L2Entry.state(map.entry(unit + n)) != UnitState.DATA) {
            n++;
        }
        return n;
    }

    /**
     * QEMU's order for a run: data and refcounts, barrier, then the L2 entries that publish them. The
     * entries replaced held no clusters, so nothing is released. Returns how many clusters were stored
     * (the allocator may hand out fewer consecutive clusters than asked for).
     */
    private int storeRun(long unit, ByteBuffer data, int wanted) {
        if (!deferring) {
            writeBackIfDirty();
        }
        ClusterAllocator.ClusterRun run = allocator.reserveRun(wanted);
        host.writeData(data.duplicate().limit(data.position() + run.count() * g.clusterSize()), g.offsetOf(run.first()));
        publishRun(unit, run);
        return run.count();
    }

    /** After a run's data is written: its refcounts, barrier, then the L2 entries that publish it. */
    private void publishRun(long unit, ClusterAllocator.ClusterRun run) {
        refcounts.set(run.first(), run.count(), 1);
        long[] entries = new long[run.count()];
        for (int i = 0; i < run.count(); i++) {
            entries[i] = COPIED | g.offsetOf(run.first() + i);
        }
        if (deferring) {
            map.setEntriesDeferred(unit, entries);
            return;
        }
        host.barrier();
        map.setEntries(unit, entries);
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
        writeBackIfDirty();
        return new Qcow2Check(this, host, g, refcounts, map, snapshots).run();
    }

    @Override
    public long allocatedBytes() {
        return host.length();
    }

    @Override
    public synchronized void flush() {
        if (writable) {
            if (map.dirtyTables() > 0) {
                writeBackMetadata();
            }
            host.force();
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (writable && map.dirtyTables() > 0) {
                writeBackMetadata();
                host.force();
            }
        } finally {
            host.close();
        }
    }

    /** Deferred metadata, then a barrier, before a change that must be durable in the old order. */
    private void writeBackIfDirty() {
        if (map.dirtyTables() > 0) {
            writeBackMetadata();
            host.barrier();
        }
    }

    /** Content and refcounts are written already: the tables follow (see {@link ClusterMap#writeBack}). */
    private void writeBackMetadata() {
        map.writeBack();
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
        boolean defer = deferring && !L2Entry.holdsClusters(oldEntry);
        if (!defer) {
            writeBackIfDirty();
        }
        long dataCluster = data == null ? -1 : allocator.reserve();
        long tableCluster = newTable ? allocator.reserve() : -1;
        long entry = data == null ? ZERO : COPIED | g.offsetOf(dataCluster);
        if (data != null) {
            if (data.remaining() < g.clusterSize()) {
                throw new IllegalArgumentException("a cluster of " + id + " needs " + g.clusterSize()
                        + " bytes, got " + data.remaining());
            }
            host.writeData(data.duplicate().limit(data.position() + g.clusterSize()), g.offsetOf(dataCluster));
        }
        ByteBuffer table = newTable ? map.newTable(unit, entry) : null;
        if (newTable && !defer) {
            host.write(table.duplicate(), g.offsetOf(tableCluster));
        }
        if (data != null) {
            refcounts.set(dataCluster, 1);
        }
        if (newTable) {
            refcounts.set(tableCluster, 1);
        }
        if (defer) {
            if (newTable) {
                map.publishTableDeferred(l1Index, g.offsetOf(tableCluster), table);
            } else {
                map.setEntriesDeferred(unit, new long[] {entry});
            }
            return;
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
                releaseCluster(c);
            }
        } else {
            releaseCluster(g.clusterOf(L2Entry.hostOffset(entry)));
        }
    }

    /** Drops one reference; a cluster nothing uses any more may be handed out again. */
    private void releaseCluster(long cluster) {
        if (refcounts.decrement(cluster)) {
            allocator.freed(cluster);
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
        if (!deferring) {
            writeBackIfDirty();
        }
        if (!autoclearCleared) {
            // Autoclear features describe data (bitmaps) we do not keep up to date: clear them, as QEMU does.
            host.write(ByteBuffer.allocate(8), Qcow2Header.OFF_AUTOCLEAR);
            host.barrier();
            autoclearCleared = true;
        }
    }
}
