package dev.diskfleet.provisioning.export;

import dev.diskfleet.nbd.Export;
import java.time.Instant;
import java.util.UUID;

/**
 * One export the service made: the engine's {@link Export} and what it serves, and {@code release}, which
 * gives back the holds (image, disks, writer slot) the export took.
 */
record ServedExport(UUID id, Export export, UUID imageId, UUID machineId, UUID attachmentId, boolean writable,
        boolean guest, Instant createdAt, Runnable release) {

    /** The export by its id: the name of a user's export is its maker's secret. */
    String label() {
        return label(id);
    }

    static String label(UUID id) {
        return "NBD export " + id;
    }
}
