package dev.diskfleet.api.fleet;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "Disk used by the fleet, and what it saves against one full copy of the golden image per machine")
public record FleetUsage(
        @Schema(description = "Bytes the fleet's base occupies (for a linked fleet, whose base is the golden itself, these are shared with the golden, not new)", example = "1073807360") long baseBytes,
        @Schema(description = "Bytes all machines' differencing disks occupy together", example = "81920") long machineDisksBytes,
        @Schema(description = "baseBytes + machineDisksBytes", example = "1073889280") long totalBytes,
        @Schema(description = "What N full copies of the golden image would occupy", example = "10738073600") long fullClonesBytes,
        @Schema(description = "fullClonesBytes - totalBytes", example = "9664184320") long savedBytes) {

    static FleetUsage of(long baseBytes, long machineDisksBytes, int machines, long goldenBytes) {
        long total = baseBytes + machineDisksBytes;
        long fullClones = machines * goldenBytes;
        return new FleetUsage(baseBytes, machineDisksBytes, total, fullClones, fullClones - total);
    }
}
