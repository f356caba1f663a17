package dev.diskfleet.api.export;

import dev.diskfleet.provisioning.export.ExportDetails;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** An NBD export: how to open it and what it has served so far. */
public record ExportResponse(
        UUID id,
        @Schema(description = "The export name clients ask for: 128 random bits, the key to the export on TCP."
                + " Answered only to the request that made the export (null in lists and reads; a guest's own"
                + " export shows its name)", example = "image-9f86d081884c7d659a2feaa0c55ad015", nullable = true)
        String name,
        @Schema(description = "Open it with qemu-img, qemu-io, QEMU or nbdinfo; holds the name, so likewise"
                + " answered only to the request that made the export",
                example = "nbd+unix:///image-9f86d081884c7d659a2feaa0c55ad015?socket=/var/lib/diskfleet/images/nbd.sock",
                nullable = true)
        String uri,
        @Schema(description = "The server's Unix socket; null when it listens on loopback TCP",
                example = "/var/lib/diskfleet/images/nbd.sock")
        String socketPath,
        boolean writable,
        @Schema(description = "The image served: the exported image, or the machine's medium (top of its chain)")
        UUID imageId,
        @Schema(description = "The machine whose disk is served; null for an image export")
        UUID machineId,
        UUID attachmentId,
        @Schema(description = "Made for the machine's running guest to boot from; stopping the machine closes it")
        boolean guest,
        long sizeBytes,
        @Schema(description = "Clients connected now")
        int clients,
        long bytesRead,
        long bytesWritten,
        Instant createdAt) {

    public static ExportResponse of(ExportDetails d) {
        return new ExportResponse(d.id(), d.name(), d.uri(), d.socketPath(), d.writable(), d.imageId(), d.machineId(),
                d.attachmentId(), d.guest(), d.sizeBytes(), d.clients(), d.bytesRead(), d.bytesWritten(), d.createdAt());
    }
}
