package dev.diskfleet.api.image;

import dev.diskfleet.storage.CheckReport;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;

@Schema(description = "The storage engine's consistency report for one image file, in the spirit of qemu-img check")
public record CheckResponse(
        @Schema(example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID imageId,
        @Schema(description = "vdi, qcow2 or raw", example = "vdi") String format,
        @Schema(description = "No corruptions and no leaked units", example = "true") boolean clean,
        @Schema(description = "Allocation units (VDI blocks, qcow2 clusters) of the virtual disk", example = "10240")
        long totalUnits,
        @Schema(description = "Units whose data the file stores", example = "37") long allocatedUnits,
        @Schema(description = "Units recorded as zeros without data", example = "2") long zeroUnits,
        @Schema(description = "Units the file knows nothing of (read through to the parent, or as zeros)",
                example = "10201") long absentUnits,
        @Schema(description = "Stored units nothing points to: wasted space, harmless", example = "0")
        long leakedUnits,
        @Schema(description = "What is wrong with the file; empty when it is sound", example = "[]")
        List<String> corruptions) {

    public static CheckResponse of(UUID imageId, CheckReport report) {
        return new CheckResponse(imageId, report.format(), report.isClean(), report.totalUnits(),
                report.allocatedUnits(), report.zeroUnits(), report.absentUnits(), report.leakedUnits(),
                report.corruptions());
    }
}
