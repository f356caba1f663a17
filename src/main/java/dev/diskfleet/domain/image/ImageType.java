package dev.diskfleet.domain.image;

/** VirtualBox's write modes for an image (its {@code MediumType}). */
public enum ImageType {
    /** Read/write; snapshots put a differencing child over it; one machine at a time. */
    NORMAL,
    /** Attached directly and ignored by snapshots: taking or restoring one never changes it. */
    WRITETHROUGH,
    /** Never written: every machine gets its own differencing image over it. */
    IMMUTABLE
}
