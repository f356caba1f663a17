package dev.diskfleet.storage;

import java.nio.file.Path;

/**
 * A disk larger than the store's {@link StorageLimits#maxVirtualSize()}: a file whose header declares
 * one (refused before its tables are read), or a request to create one. It is an image format refusal,
 * so an upload carrying such a header is answered like any other invalid image unless the caller maps
 * this type on its own.
 */
public class VirtualSizeLimitException extends ImageFormatException {

    private final long virtualSize;
    private final long limit;

    /** @param file the file whose header declares the size, or null for a new image */
    public VirtualSizeLimitException(String format, Path file, long virtualSize, long limit) {
        super(format, file == null ? null : file.getFileName().toString(),
                (file == null ? "" : file.getFileName() + ": ") + "virtual size is "
                        + Long.toUnsignedString(virtualSize) + " bytes, more than the " + limit
                        + "-byte limit of this store");
        this.virtualSize = virtualSize;
        this.limit = limit;
    }

    public long virtualSize() {
        return virtualSize;
    }

    public long limit() {
        return limit;
    }
}
