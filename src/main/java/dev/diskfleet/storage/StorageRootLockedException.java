package dev.diskfleet.storage;

import java.nio.file.Path;

/** Another process (or another part of this one) holds the storage root's lock; see {@link StorageRootLock}. */
public final class StorageRootLockedException extends StorageException {

    private final Path lockFile;
    private final String holder;

    StorageRootLockedException(Path root, Path lockFile, String holder) {
        super("the storage root " + root + " is in use by another Diskfleet instance: " + holder
                + "; lock file " + lockFile + ". Stop that instance, or give this one its own data directory"
                + " (DISKFLEET_DATA_DIR).");
        this.lockFile = lockFile;
        this.holder = holder;
    }

    public Path lockFile() {
        return lockFile;
    }

    /** The holder as its lock file names it: {@code pid <pid>@<host> since <instant> (...)}. */
    public String holder() {
        return holder;
    }
}
