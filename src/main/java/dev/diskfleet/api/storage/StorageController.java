package dev.diskfleet.api.storage;

import dev.diskfleet.provisioning.image.OrphanFile;
import dev.diskfleet.provisioning.image.StorageReconciler;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/storage")
@Tag(name = "Storage", description = "The storage root as the registry sees it")
public class StorageController {

    private final StorageReconciler reconciler;

    public StorageController(StorageReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @GetMapping("/orphans")
    @Operation(operationId = "listOrphanFiles", summary = "Image files that no image row knows",
            description = "Files left by a delete whose file removal failed, or copied into the storage root by"
                    + " hand. They are reported, never deleted automatically.")
    public Orphans orphans() {
        return new Orphans(reconciler.orphans().stream().map(OrphanFileResponse::of).toList());
    }

    @Schema(description = "Image files in the storage root that belong to no image")
    public record Orphans(List<OrphanFileResponse> files) {
    }

    @Schema(name = "OrphanFile", description = "An image file in the storage root that no image row knows")
    public record OrphanFileResponse(
            @Schema(description = "The UUID the file is named by", example = "7c9e6679-7425-40de-944b-e07fc1f90ae7")
            UUID id,
            @Schema(example = "7c9e6679-7425-40de-944b-e07fc1f90ae7.vdi") String fileName,
            @Schema(description = "vdi, qcow2 or raw, from the file name", example = "vdi") String format,
            @Schema(description = "Length of the file in bytes", example = "2101248") long fileBytes) {

        static OrphanFileResponse of(OrphanFile file) {
            return new OrphanFileResponse(file.id(), file.fileName(), file.format(), file.fileBytes());
        }
    }
}
