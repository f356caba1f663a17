package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Every check a qcow2 header must pass before any of it is trusted: QEMU's {@code qcow2_do_open} checks,
 * the rules Nova, libvirt and Proxmox apply to untrusted images, and the ones that bind every offset and
 * table to the file's real length. Each failure names the field, its value and what was expected.
 */
final class Qcow2HeaderValidator {

    /** QEMU's {@code QCOW_MAX_SNAPSHOTS}. */
    static final long MAX_SNAPSHOTS = 65536;
    /** QEMU's limit on a backing file name. */
    static final long MAX_BACKING_NAME = 1023;

    private final Path file;
    private final long fileLength;

    Qcow2HeaderValidator(Path file, long fileLength) {
        this.file = file;
        this.fileLength = fileLength;
    }

    /** Validates the fixed header and returns the geometry it describes. */
    ClusterGeometry validate(Qcow2Header h) {
        if (h.magic() != Integer.toUnsignedLong(Qcow2Header.MAGIC)) {
            fail("magic is 0x%08X, expected 0x514649FB (QFI\\xfb): not a qcow2 file", h.magic());
        }
        if (h.version() != 2 && h.version() != 3) {
            fail("version is %d, expected 2 or 3", h.version());
        }
        if (h.version() == 3 && h.headerLength() < Qcow2Header.V3_LENGTH) {
            fail("header_length is %d, expected at least %d for a version 3 header", h.headerLength(),
                    Qcow2Header.V3_LENGTH);
        }
        if (h.version() == 3 && h.headerLength() % 8 != 0) {
            fail("header_length is %d, expected a multiple of 8", h.headerLength());
        }
        if (h.headerLength() > fileLength) {
            fail("file is %d bytes, too short for its %d-byte header", fileLength, h.headerLength());
        }
        if (h.clusterBits() < ClusterGeometry.MIN_CLUSTER_BITS || h.clusterBits() > ClusterGeometry.MAX_CLUSTER_BITS) {
            fail("cluster_bits is %d, expected %d to %d (512 bytes to 2 MiB clusters)", h.clusterBits(),
                    ClusterGeometry.MIN_CLUSTER_BITS, ClusterGeometry.MAX_CLUSTER_BITS);
        }
        long clusterSize = 1L << h.clusterBits();
        if (h.headerLength() > clusterSize) {
            fail("header_length is %d, larger than the %d-byte cluster that must hold it", h.headerLength(),
                    clusterSize);
        }
        if (h.cryptMethod() != 0) {
            fail("image is encrypted (crypt_method %d, %s); encrypted images are not supported", h.cryptMethod(),
                    h.cryptMethod() == 1 ? "AES" : h.cryptMethod() == 2 ? "LUKS" : "unknown method");
        }
        checkFeatures(h);
        if (h.refcountOrder() > 6) {
            fail("refcount_order is %d, expected at most 6 (64-bit refcounts)", h.refcountOrder());
        }
        ClusterGeometry g = new ClusterGeometry((int) h.clusterBits(), (int) h.refcountOrder());
        checkSize(h, g);
        checkL1Table(h, g);
        checkRefcountTable(h, g);
        checkSnapshots(h, g);
        checkBackingFileName(h, g);
        return g;
    }

    /** Checks what the header extensions announce. */
    void validate(Qcow2Header h, HeaderExtensions extensions) {
        if (extensions.cryptoHeader()) {
            fail("header has an encryption header extension; encrypted images are not supported");
        }
        // Autoclear bit 0 says the bitmaps extension is valid; without it QEMU ignores the extension too.
        if (extensions.bitmaps() && (h.autoclearFeatures() & 1) != 0) {
            fail("image has persistent dirty bitmaps, which are not supported; remove them with 'qemu-img bitmap --remove'");
        }
    }

    /** The backing file name stored in the header cluster, which {@link #validate} has bounded. */
    String backingFileName(Qcow2Header h, ByteBuffer cluster0) {
        if (!h.hasBackingFile()) {
            return null;
        }
        byte[] raw = new byte[(int) h.backingFileSize()];
        cluster0.get((int) h.backingFileOffset(), raw);
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw ImageFormatException.in("qcow2", file, "backing file name is not valid UTF-8");
        }
        if (name.indexOf('\0') >= 0) {
            fail("backing file name contains a NUL byte");
        }
        return name;
    }

    private void checkFeatures(Qcow2Header h) {
        long incompatible = h.incompatibleFeatures();
        long unknown = incompatible & ~Qcow2Header.INCOMPAT_KNOWN;
        if (unknown != 0) {
            fail("unknown incompatible feature bits 0x%X are set; this image needs a newer reader", unknown);
        }
        if ((incompatible & Qcow2Header.INCOMPAT_DIRTY) != 0) {
            fail("dirty bit is set: the image was not closed cleanly and its refcounts may be stale;"
                    + " repair it with 'qemu-img check -r all'");
        }
        if ((incompatible & Qcow2Header.INCOMPAT_CORRUPT) != 0) {
            fail("corrupt bit is set: QEMU found this image corrupt; repair it with 'qemu-img check -r all'");
        }
        if ((incompatible & Qcow2Header.INCOMPAT_DATA_FILE) != 0) {
            fail("image keeps its data in an external data file (incompatible bit 2), which is not supported");
        }
        if ((incompatible & Qcow2Header.INCOMPAT_EXTENDED_L2) != 0) {
            fail("image uses extended L2 entries (subclusters, incompatible bit 4), which are not supported");
        }
        boolean typeBit = (incompatible & Qcow2Header.INCOMPAT_COMPRESSION) != 0;
        int type = h.compressionType();
        if (type == Qcow2Header.COMPRESSION_ZSTD) {
            fail("image uses zstd compression, which is not supported; convert it with 'qemu-img convert -O qcow2'");
        }
        if (type != Qcow2Header.COMPRESSION_ZLIB) {
            fail("compression_type is %d, expected 0 (zlib)", type);
        }
        if (typeBit) {
            fail("compression type bit (incompatible bit 3) is set for zlib compression, where it must be clear");
        }
    }

    private void checkSize(Qcow2Header h, ClusterGeometry g) {
        if (h.size() < 0) {
            fail("size is %s bytes, which is not a valid disk size", Long.toUnsignedString(h.size()));
        }
        long needed = ClusterGeometry.requiredL1Entries(h.size(), g.clusterBits());
        long max = ClusterGeometry.MAX_L1_BYTES / 8;
        if (needed > max) {
            fail("size is %d bytes, too large for %d-byte clusters (it needs %d L1 entries; QEMU allows %d)",
                    h.size(), g.clusterSize(), needed, max);
        }
    }

    private void checkL1Table(Qcow2Header h, ClusterGeometry g) {
        long max = ClusterGeometry.MAX_L1_BYTES / 8;
        if (h.l1Size() > max) {
            fail("l1_size is %d entries, more than QEMU's 32 MiB limit (%d entries)", h.l1Size(), max);
        }
        long needed = ClusterGeometry.requiredL1Entries(h.size(), g.clusterBits());
        if (h.l1Size() < needed) {
            fail("l1_size is %d entries, too small for a %d-byte disk (needs %d)", h.l1Size(), h.size(), needed);
        }
        if (h.l1Size() > 0) {
            checkTable("L1 table", "l1_table_offset", h.l1TableOffset(), h.l1Size() * 8, g);
        }
    }

    private void checkRefcountTable(Qcow2Header h, ClusterGeometry g) {
        long maxClusters = ClusterGeometry.MAX_REFCOUNT_TABLE_BYTES >>> g.clusterBits();
        if (h.refcountTableClusters() == 0) {
            fail("refcount_table_clusters is 0, expected at least 1");
        }
        if (h.refcountTableClusters() > Math.max(1, maxClusters)) {
            fail("refcount_table_clusters is %d, more than QEMU's 8 MiB limit (%d clusters)",
                    h.refcountTableClusters(), Math.max(1, maxClusters));
        }
        long bytes = h.refcountTableClusters() << g.clusterBits();
        checkTable("refcount table", "refcount_table_offset", h.refcountTableOffset(), bytes, g);
        if (h.l1Size() > 0 && overlaps(h.l1TableOffset(), h.l1Size() * 8, h.refcountTableOffset(), bytes)) {
            fail("refcount table (offset %d, %d bytes) overlaps the L1 table (offset %d, %d bytes)",
                    h.refcountTableOffset(), bytes, h.l1TableOffset(), h.l1Size() * 8);
        }
    }

    private void checkSnapshots(Qcow2Header h, ClusterGeometry g) {
        if (h.snapshotCount() > MAX_SNAPSHOTS) {
            fail("nb_snapshots is %d, expected at most %d", h.snapshotCount(), MAX_SNAPSHOTS);
        }
        if (h.snapshotCount() > 0) {
            // Each snapshot entry is at least 40 bytes; the walk in SnapshotTable bounds the rest.
            checkTable("snapshot table", "snapshots_offset", h.snapshotsOffset(), 40, g);
        }
    }

    private void checkBackingFileName(Qcow2Header h, ClusterGeometry g) {
        if (!h.hasBackingFile()) {
            return;
        }
        long offset = h.backingFileOffset();
        long length = h.backingFileSize();
        if (length == 0 || length > MAX_BACKING_NAME) {
            fail("backing file name is %d bytes long, expected 1 to %d", length, MAX_BACKING_NAME);
        }
        // QEMU reads the name from the header cluster; so do we (and it must not overlap the header fields).
        if (Long.compareUnsigned(offset, g.clusterSize() - length) > 0) {
            fail("backing file name (offset %s, %d bytes) does not lie in the %d-byte header cluster",
                    Long.toUnsignedString(offset), length, g.clusterSize());
        }
        if (offset < h.headerLength()) {
            fail("backing_file_offset is %d, inside the %d-byte header", offset, h.headerLength());
        }
        if (offset + length > fileLength) {
            fail("backing file name (offset %d, %d bytes) ends past the end of the %d-byte file", offset, length,
                    fileLength);
        }
    }

    /** A table must be cluster aligned, clear of the header cluster and wholly inside the file. */
    private void checkTable(String what, String field, long offset, long bytes, ClusterGeometry g) {
        if (offset < 0 || !g.isAligned(offset)) {
            fail("%s is %s, not a multiple of the %d-byte cluster size", field, Long.toUnsignedString(offset),
                    g.clusterSize());
        }
        if (offset < g.clusterSize()) {
            fail("%s is %d: the %s would overlap the header cluster", field, offset, what);
        }
        if (offset > fileLength || bytes > fileLength - offset) {
            fail("%s (offset %d, %d bytes) ends past the end of the %d-byte file", what, offset, bytes, fileLength);
        }
    }

    private static boolean overlaps(long a, long aLength, long b, long bLength) {
        return a < b + bLength && b < a + aLength;
    }

    private void fail(String format, Object... args) {
        throw ImageFormatException.in("qcow2", file, String.format(format, args));
    }
}
