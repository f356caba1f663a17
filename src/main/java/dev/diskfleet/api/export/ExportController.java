package dev.diskfleet.api.export;

import dev.diskfleet.api.web.PageResponse;
import dev.diskfleet.provisioning.export.ExportDetails;
import dev.diskfleet.provisioning.export.ExportService;
import dev.diskfleet.provisioning.replication.ClusterExports;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "NBD exports", description = "Serve an image's chain or a machine's disk to NBD clients"
        + " (qemu-img, qemu-io, QEMU, nbdinfo, nbdcopy)")
public class ExportController {

    private static final String PROBLEM = "application/problem+json";

    private final ExportService exports;
    private final ClusterExports clusterExports;

    public ExportController(ExportService exports, ClusterExports clusterExports) {
        this.exports = exports;
        this.clusterExports = clusterExports;
    }

    @PostMapping("/api/images/{imageId}/exports")
    @Operation(operationId = "exportImage", summary = "Export an image's whole chain read-only over NBD",
            description = "Answers the export with its name and uri (nbd+unix:///NAME?socket=PATH): keep them,"
                    + " this answer is the only one that shows them. The image cannot be deleted while exported."
                    + " Writes from clients are refused (EPERM).")
    @ApiResponse(responseCode = "201", description = "Exported; Location names the export")
    public ResponseEntity<ExportResponse> exportImage(@PathVariable UUID imageId) {
        return created(exports.exportImage(imageId));
    }

    @PostMapping("/api/machines/{machineId}/attachments/{attachmentId}/exports")
    @Operation(operationId = "exportMachineDisk", summary = "Export a machine's disk over NBD, read-only or writable",
            description = "Serves the disk as the guest sees it. Writable exports write into the machine's own"
                    + " medium, as guest writes do, and are refused while the machine runs or while the medium"
                    + " has another writable export. While exported, the machine's disks cannot be snapshotted,"
                    + " restored, detached or deleted. The answer is the only one that shows the export's name and"
                    + " uri. Writes that would leave less than diskfleet.limits.min-free-space free get ENOSPC.")
    @ApiResponse(responseCode = "201", description = "Exported; Location names the export")
    @ApiResponse(responseCode = "409", description = "The machine runs, the medium has another writer, or it"
            + " cannot be written", content = @Content(mediaType = PROBLEM))
    public ResponseEntity<ExportResponse> exportMachineDisk(@PathVariable UUID machineId,
            @PathVariable UUID attachmentId, @RequestBody ExportDiskRequest request) {
        return created(exports.exportMachineDisk(machineId, attachmentId, request.isWritable()));
    }

    @GetMapping("/api/exports")
    @Operation(operationId = "listExports", summary = "List the NBD exports, oldest first, paged",
            description = "In a cluster, the exports of every online node")
    public PageResponse<ExportResponse> list(
            @RequestParam(defaultValue = "0") @Min(0) @Parameter(example = "0") int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) @Parameter(example = "20") int size) {
        return PageResponse.of(clusterExports.list(PageRequest.of(page, size)), ExportResponse::of);
    }

    @GetMapping("/api/exports/{id}")
    @Operation(operationId = "getExport", summary = "Get an export: clients connected now, bytes read and written")
    public ExportResponse get(@PathVariable UUID id) {
        return ExportResponse.of(exports.get(id));
    }

    @DeleteMapping("/api/exports/{id}")
    @Operation(operationId = "deleteExport", summary = "Close an export: its clients are disconnected and its name is gone")
    @ApiResponse(responseCode = "204", description = "Closed")
    @ApiResponse(responseCode = "409", description = "A running guest boots from it", content = @Content(
            mediaType = PROBLEM))
    public ResponseEntity<Void> delete(@PathVariable UUID id) {
        exports.delete(id);
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<ExportResponse> created(ExportDetails export) {
        return ResponseEntity.created(URI.create("/api/exports/" + export.id())).body(ExportResponse.of(export));
    }
}
