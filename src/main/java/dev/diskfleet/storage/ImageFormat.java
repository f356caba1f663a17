package dev.diskfleet.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One image format (the idea of QEMU's {@code BlockDriver}). A driver knows its format's bytes and
 * nothing else: chains, copy-on-write, cloning and streaming are written once, above the drivers, in
 * {@link Chain} and {@link ImageStore}.
 *
 * <p>Drivers register themselves, as QEMU's do through {@code block_init}: each is listed in
 * {@code META-INF/services/dev.diskfleet.storage.ImageFormat} and found by {@link ImageFormats#installed()},
 * so the storage core never names one. Implementations need a public no-argument constructor.
 */
public interface ImageFormat {

    /** Short lower-case name used in the API and as the file extension: {@code vdi}, {@code raw}. */
    String name();

    /**
     * Whether the first bytes of a file (at least 512 when the file has them) carry this format's magic. A
     * format without magic (raw) recognises anything and must therefore be probed last.
     */
    boolean recognizes(ByteBuffer head);

    /**
     * Where this driver stands when an upload is probed and when a file is looked up by UUID: lower goes
     * first. Formats with a magic number come first; a format that recognises anything goes last, as QEMU's
     * raw probe scores lowest. Ties are broken by {@link #name()}, so the order never depends on the
     * class path.
     */
    int probeOrder();

    /**
     * Opens an existing file and validates every header field and table entry against the file's real
     * length before any of it is trusted.
     *
     * @throws ImageFormatException when the file is malformed, naming the field, its value and what was
     *     expected
     */
    ImageFile open(Path file, boolean writable);

    /**
     * Opens as {@link #open(Path, boolean)} does, refusing a file whose declared virtual size is beyond
     * {@code limits}. Drivers whose tables grow with the virtual size override this to refuse before those
     * tables are allocated; this default checks after opening, which suits formats that allocate nothing.
     *
     * @throws VirtualSizeLimitException when the file declares a larger disk than {@code limits} allow
     */
    default ImageFile open(Path file, boolean writable, StorageLimits limits) {
        ImageFile image = open(file, writable);
        try {
            limits.checkVirtualSize(image.virtualSize(), name(), file);
            return image;
        } catch (RuntimeException e) {
            image.close();
            throw e;
        }
    }

    /**
     * Creates a new image file at {@code file}, which must not exist yet, and returns it opened writable.
     * The new file is meant to be built under a temporary name and published by an atomic rename, so its
     * writes are not ordered by barriers: flush it before publishing. {@link #open} gives ordered writes.
     */
    ImageFile create(Path file, NewImage spec);

    /** Whether this format can record a parent (differencing images, overlays). */
    boolean supportsDifferencing();

    /**
     * Whether images of this format can be created in {@code variant}. Callers ask before creating, so a
     * request for a variant the format lacks is refused without touching a file.
     */
    default boolean supportsVariant(Variant variant) {
        return true;
    }
}
