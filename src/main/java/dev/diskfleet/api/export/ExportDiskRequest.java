package dev.diskfleet.api.export;

import io.swagger.v3.oas.annotations.media.Schema;

/** A machine-disk export; read-only unless {@code writable} is true. */
public record ExportDiskRequest(
        @Schema(description = "Writes go into the machine's own medium, as guest writes do; default false")
        Boolean writable) {

    boolean isWritable() {
        return Boolean.TRUE.equals(writable);
    }
}
