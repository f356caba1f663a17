package dev.diskfleet.storage;

import java.nio.file.Path;

/**
 * Bounds the store enforces on every image it creates, opens or imports, whatever the file's header
 * claims. Drivers check them before a header-driven allocation is made (a VDI block map, a qcow2 L1
 * table), so a crafted header cannot make the service allocate memory for a disk it would refuse anyway.
 *
 * @param maxVirtualSize the largest virtual disk, in bytes, accepted from a request or a file
 */
public record StorageLimits(long maxVirtualSize) {

    /** 8 TiB: the API's limit for a new image, so an import can be no larger than a create. */
    public static final long DEFAULT_MAX_VIRTUAL_SIZE = 8L << 40;
    public static final StorageLimits DEFAULT = new StorageLimits(DEFAULT_MAX_VIRTUAL_SIZE);

    public StorageLimits {
        if (maxVirtualSize <= 0) {
            throw new IllegalArgumentException("the maximum virtual size must be positive, got " + maxVirtualSize);
        }
    }

    /**
     * Refuses a disk larger than {@link #maxVirtualSize}.
     *
     * @param format the format of the file or of the image to be made
     * @param file the file whose header declares {@code virtualSize}, or null for a new image
     * @throws VirtualSizeLimitException naming both sizes
     */
    public void checkVirtualSize(long virtualSize, String format, Path file) {
        if (virtualSize > maxVirtualSize || virtualSize < 0) {
            throw new VirtualSizeLimitException(format, file, virtualSize, maxVirtualSize);
        }
    }
}
