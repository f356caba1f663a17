package dev.diskfleet.api.attachment;

import dev.diskfleet.domain.attachment.AttachmentPlan;
import dev.diskfleet.provisioning.attachment.AttachmentCatalog;
import dev.diskfleet.provisioning.machine.MachineDisks;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/machines/{machineId}/attachments")
@Tag(name = "Attachments", description = "Disks in a machine's slots")
public class AttachmentController {

    private final AttachmentCatalog attachments;
    private final MachineDisks disks;

    public AttachmentController(AttachmentCatalog attachments, MachineDisks disks) {
        this.attachments = attachments;
        this.disks = disks;
    }

    @PostMapping
    @Operation(summary = "Attach an image (machine powered off); an immutable image gets the machine's own"
            + " differencing image")
    public ResponseEntity<AttachmentResponse> attach(@PathVariable UUID machineId,
            @Valid @RequestBody AttachRequest request) {
        AttachmentResponse attached = AttachmentResponse.of(attachments.details(disks.attach(machineId,
                new AttachmentPlan(request.imageId(), request.port(), request.device(), request.autoReset()))));
        return ResponseEntity.created(URI.create("/api/machines/" + machineId + "/attachments/" + attached.id()))
                .body(attached);
    }

    @GetMapping
    @Operation(summary = "List the machine's attachments")
    public List<AttachmentResponse> list(@PathVariable UUID machineId) {
        return attachments.list(machineId).stream().map(AttachmentResponse::of).toList();
    }

    @GetMapping("/{attachmentId}")
    @Operation(summary = "Get one attachment")
    public AttachmentResponse get(@PathVariable UUID machineId, @PathVariable UUID attachmentId) {
        return AttachmentResponse.of(attachments.get(machineId, attachmentId));
    }

    @DeleteMapping("/{attachmentId}")
    @Operation(summary = "Detach a disk (machine powered off); the machine's own differencing image is deleted"
            + " unless keepDisk=true")
    public ResponseEntity<Void> detach(@PathVariable UUID machineId, @PathVariable UUID attachmentId,
            @Parameter(description = "Keep the machine's own differencing image as an unattached image",
                    example = "false") @RequestParam(defaultValue = "false") boolean keepDisk) {
        disks.detach(machineId, attachmentId, keepDisk);
        return ResponseEntity.noContent().build();
    }
}
