package dev.diskfleet.provisioning.export;

import dev.diskfleet.domain.InsufficientStorageException;
import dev.diskfleet.nbd.BlockDevice;
import dev.diskfleet.nbd.NoSpaceException;
import dev.diskfleet.provisioning.FreeSpace;
import java.nio.ByteBuffer;

/**
 * A user's writable export holds {@code diskfleet.limits.min-free-space} as an HTTP PUT of the disk does
 * ({@link FreeSpace}, the one rule): a write that may leave less free is refused before it stores anything,
 * and the NBD client gets ENOSPC. A guest's own export does not go through this: the room kept free is
 * there for running guests.
 */
final class FreeSpaceDevice extends ForwardingDevice {

    private final FreeSpace freeSpace;
    private final String action;

    FreeSpaceDevice(BlockDevice device, FreeSpace freeSpace, String action) {
        super(device);
        this.freeSpace = freeSpace;
        this.action = action;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        require(src.remaining());
        device.write(offset, src);
    }

    /** Whole zero units take no data, partial ones do: the floor applies either way. */
    @Override
    public void writeZeroes(long offset, long length) {
        require(0);
        device.writeZeroes(offset, length);
    }

    private void require(long bytes) {
        try {
            freeSpace.require(bytes, action);
        } catch (InsufficientStorageException e) {
            throw new NoSpaceException(e.getMessage());
        }
    }
}
