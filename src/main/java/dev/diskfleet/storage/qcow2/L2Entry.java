package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COMPRESSED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.ZERO;

import dev.diskfleet.storage.UnitState;

/** Reading one L2 entry (a cluster descriptor), and what makes one invalid in a given file. */
final class L2Entry {

    private L2Entry() {
    }

    static boolean isCompressed(long entry) {
        return (entry & COMPRESSED) != 0;
    }

    /** Host offset of a standard cluster's data, 0 when it has none. */
    static long hostOffset(long entry) {
        return entry & OFFSET_MASK;
    }

    /** A standard cluster with data that only this entry uses, so it may be overwritten in place. */
    static boolean isWritableInPlace(long entry) {
        return !isCompressed(entry) && (entry & ZERO) == 0 && hostOffset(entry) != 0 && (entry & COPIED) != 0;
    }

    /** Whether the entry holds host clusters whose refcounts must drop when it is replaced. */
    static boolean holdsClusters(long entry) {
        return isCompressed(entry) || hostOffset(entry) != 0;
    }

    /**
     * A zero flag wins over a host offset: v3 "allocated zero clusters" keep their cluster but read as
     * zeros. Compressed clusters are data: they are read by inflating, and rewritten on a write.
     */
    static UnitState state(long entry) {
        if (isCompressed(entry)) {
            return UnitState.DATA;
        }
        if ((entry & ZERO) != 0) {
            return UnitState.ZERO;
        }
        return hostOffset(entry) != 0 ? UnitState.DATA : UnitState.ABSENT;
    }

    /** Why {@code entry} cannot be trusted in a file of {@code fileLength} bytes, or null when it can. */
    static String problem(long entry, ClusterGeometry g, long version, long fileLength) {
        if (entry == 0) {
            return null;
        }
        if (isCompressed(entry)) {
            long offset = g.compressedOffset(entry);
            long span = g.compressedSpan(entry);
            if ((entry & COPIED) != 0) {
                return String.format("compressed cluster entry 0x%016X has the copied flag set", entry);
            }
            if (offset < g.clusterSize()) {
                return String.format("compressed cluster data at offset %d lies in the header cluster", offset);
            }
            // The span ends on a sector boundary; QEMU may end the file inside that last sector.
            long sectorEnd = (fileLength + ClusterGeometry.SECTOR - 1) / ClusterGeometry.SECTOR * ClusterGeometry.SECTOR;
            if (offset >= fileLength || offset + span > sectorEnd) {
                return String.format("compressed cluster data (offset %d, %d bytes) runs past the end of the"
                        + " %d-byte file", offset, span, fileLength);
            }
            return null;
        }
        if ((entry & ClusterGeometry.L2_STANDARD_RESERVED_MASK) != 0) {
            return String.format("L2 entry 0x%016X has reserved bits set", entry);
        }
        if ((entry & ZERO) != 0 && version < 3) {
            return String.format("L2 entry 0x%016X is a zero cluster, which version 2 images cannot have", entry);
        }
        long host = hostOffset(entry);
        if (host == 0) {
            return null;
        }
        if (!g.isAligned(host)) {
            return String.format("L2 entry points at offset %d, not a multiple of the %d-byte cluster size", host,
                    g.clusterSize());
        }
        if (host < g.clusterSize()) {
            return "L2 entry points at the header cluster";
        }
        if (host >= fileLength) {
            return String.format("L2 entry points at offset %d, past the end of the %d-byte file", host, fileLength);
        }
        return null;
    }
}
