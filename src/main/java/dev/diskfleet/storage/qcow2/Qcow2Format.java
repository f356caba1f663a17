package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageIds;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.StorageLimits;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The qcow2 driver (QEMU's native format). Reads versions 2 and 3, including compressed (zlib) and zero
 * clusters and any refcount width; creates version 3 images with 16-bit refcounts, and overlays that name
 * their parent's plain file name as backing file, with backing format qcow2. qcow2 has no identity field:
 * an image's UUID is the one in its file name ({@link ImageIds}).
 */
public final class Qcow2Format implements ImageFormat {

    private final int clusterBits;

    /** Creates images with 64 KiB clusters, QEMU's default. */
    public Qcow2Format() {
        this(ClusterGeometry.DEFAULT_CLUSTER_BITS);
    }

    /** Creates images with {@code 1 << clusterBits}-byte clusters (9 to 21); opening accepts any of them. */
    public Qcow2Format(int clusterBits) {
        if (clusterBits < ClusterGeometry.MIN_CLUSTER_BITS || clusterBits > ClusterGeometry.MAX_CLUSTER_BITS) {
            throw new IllegalArgumentException("cluster bits must be 9 to 21, got " + clusterBits);
        }
        this.clusterBits = clusterBits;
    }

    @Override
    public String name() {
        return "qcow2";
    }

    @Override
    public boolean supportsDifferencing() {
        return true;
    }

    @Override
    public int probeOrder() {
        return 20;
    }

    @Override
    public boolean recognizes(ByteBuffer head) {
        return head.limit() >= 4 && head.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0) == Qcow2Header.MAGIC;
    }

    @Override
    public ImageFile open(Path file, boolean writable) {
        return open(file, writable, StorageLimits.DEFAULT);
    }

    /** Refuses a disk beyond {@code limits} before its L1 table, which grows with the disk, is read. */
    @Override
    public ImageFile open(Path file, boolean writable, StorageLimits limits) {
        FileChannel channel = FileIo.open(file, writable
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ});
        try {
            return load(new HostFile(file, channel, writable), ImageIds.fromFileName(file), writable, limits);
        } catch (RuntimeException e) {
            FileIo.closeAfterFailure(channel, e);
            throw e;
        }
    }

    /** Opens writable over a channel the caller opened (a test records its writes to replay crashes). */
    ImageFile openWritable(Path file, FileChannel channel) {
        return load(new HostFile(file, channel, true), ImageIds.fromFileName(file), true, StorageLimits.DEFAULT);
    }

    @Override
    public boolean supportsVariant(Variant variant) {
        return variant == Variant.DYNAMIC;
    }

    /**
     * Base images are rounded up to whole 512-byte sectors, as {@code qemu-img create} does (QEMU ignores a
     * partial last sector). Overlays take their parent's size exactly. Preallocated (fixed) qcow2 is not
     * offered: qcow2 grows on demand.
     */
    @Override
    public ImageFile create(Path file, NewImage spec) {
        if (!supportsVariant(spec.variant())) {
            throw new StorageException("qcow2 images are always created dynamic (growing on demand); "
                    + "use vdi or raw for a preallocated image");
        }
        String backingFileName = null;
        long size = (spec.virtualSize() + 511) / 512 * 512;
        if (spec.parent() != null) {
            if (!(spec.parent() instanceof Qcow2Image parent)) {
                throw new ChainException("a qcow2 overlay needs a qcow2 backing file, not " + spec.parent().format().name()
                        + " image " + spec.parent().id() + ": a differencing image is always in its parent's format");
            }
            backingFileName = parent.fileName();
            size = parent.virtualSize();
        }
        ClusterGeometry g = new ClusterGeometry(clusterBits, ClusterGeometry.DEFAULT_REFCOUNT_ORDER);
        FreshImage fresh = new FreshImage(g, size, backingFileName);
        FileChannel channel = FileIo.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            HostFile host = new HostFile(file, channel, false, DirectWrites.open(file));
            fresh.writeTo(host);
            return load(host, spec.id(), true, StorageLimits.DEFAULT);
        } catch (RuntimeException e) {
            FileIo.closeAfterFailure(channel, e);
            throw e;
        }
    }

    private Qcow2Image load(HostFile host, UUID id, boolean writable, StorageLimits limits) {
        Path file = host.path();
        long length = host.length();
        if (length < Qcow2Header.V2_LENGTH) {
            throw ImageFormatException.in(name(), file, "file is " + length
                    + " bytes, too short for a qcow2 header (" + Qcow2Header.V2_LENGTH + " bytes)");
        }
        ByteBuffer head = ByteBuffer.allocate(Qcow2Header.WRITTEN_LENGTH);
        head.limit((int) Math.min(head.capacity(), length));
        host.read(head, 0);
        Qcow2Header header = Qcow2Header.parse(head.clear());
        Qcow2HeaderValidator validator = new Qcow2HeaderValidator(file, length);
        ClusterGeometry g = validator.validate(header);
        limits.checkVirtualSize(header.size(), name(), file);
        ByteBuffer cluster0 = ByteBuffer.allocate((int) Math.min(g.clusterSize(), length));
        host.read(cluster0, 0);
        cluster0.clear();
        long extensionsEnd = header.hasBackingFile() ? header.backingFileOffset() : g.clusterSize();
        HeaderExtensions extensions = HeaderExtensions.parse(cluster0, header.extensionsOffset(), extensionsEnd, file);
        validator.validate(header, extensions);
        String backingFileName = validator.backingFileName(header, cluster0);
        RefcountTable refcounts = RefcountTable.load(host, g, header.refcountTableOffset(),
                (int) header.refcountTableClusters(), length);
        ClusterMap map = ClusterMap.load(host, g, header.version(), header.l1TableOffset(), (int) header.l1Size(), length);
        SnapshotTable snapshots = SnapshotTable.read(host, g, header.snapshotsOffset(), header.snapshotCount(), length);
        return new Qcow2Image(this, host, header, g, extensions, backingFileName, map, refcounts, snapshots, id,
                writable);
    }
}
