package dev.diskfleet.provisioning;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
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
    @Operation(summary = "Image files that no image row knows",
            description = "Files left by a delete whose file removal failed, or copied into the storage root by"
                    + " hand. They are reported, never deleted automatically.")
    public Orphans orphans() {
        return new Orphans(reconciler.orphans());
    }

    @Schema(description = "Image files in the storage root that belong to no image")
    public record Orphans(List<OrphanFile> files) {
    }
}
