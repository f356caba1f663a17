package dev.diskfleet.provisioning;

import dev.diskfleet.domain.InsufficientStorageException;
import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Refuses a request that would allocate space before it writes anything, when what it may need would
 * leave less than {@code diskfleet.limits.min-free-space} on the storage root's volume: the database and
 * the running guests share that volume and must keep their room.
 */
@Component
public class FreeSpace {

    private final ImageStore store;
    private final LimitsProperties limits;

    public FreeSpace(ImageStore store, LimitsProperties limits) {
        this.store = store;
        this.limits = limits;
    }

    /** @param bytes what the request may write at most (0 when unknown or small: the floor still applies) */
    public void require(long bytes, String action) {
        long usable = usableBytes();
        long floor = limits.minFreeSpace().toBytes();
        if (usable - Math.max(0, bytes) < floor) {
            throw new InsufficientStorageException("cannot " + action + ": it may need " + bytes
                    + " bytes and the storage volume has " + usable + " bytes free, but " + floor
                    + " bytes (diskfleet.limits.min-free-space) must stay free for the database and running guests;"
                    + " free space or delete images first");
        }
    }

    /** Bytes a full copy of the image may take: what every layer of its chain holds. */
    public long copyEstimate(UUID imageId) {
        return store.lineage(imageId).stream().mapToLong(layer -> store.describe(layer).allocatedBytes()).sum();
    }

    /** Bytes free for the service on the storage root's volume. */
    public long usableBytes() {
        try {
            return store.usableBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of the storage volume", e);
        }
    }
}
