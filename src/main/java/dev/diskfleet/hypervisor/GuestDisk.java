package dev.diskfleet.hypervisor;

import java.nio.file.Path;
import java.util.Objects;

/** One disk of a guest, as the hypervisor opens it. */
public sealed interface GuestDisk {

    boolean readOnly();

    /**
     * An image file the hypervisor opens itself. A qcow2 overlay carries its backing chain, which QEMU opens
     * read-only on its own: only this top file is opened writable, and only unless {@code readOnly}.
     */
    record ImageFile(Path path, DiskFormat format, boolean readOnly) implements GuestDisk {
        public ImageFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * An export of our NBD server on a Unix socket (a VDI chain, which QEMU cannot open). When the server
     * goes away the guest's I/O waits up to {@code reconnectDelaySeconds} for it to come back.
     */
    record NbdExport(Path socket, String exportName, int reconnectDelaySeconds, boolean readOnly)
            implements GuestDisk {
        public NbdExport {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(exportName, "exportName");
            if (reconnectDelaySeconds < 0) {
                throw new IllegalArgumentException("reconnectDelaySeconds must not be negative");
            }
        }
    }
}
