package dev.diskfleet.attachment;

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

    private final AttachmentService attachments;

    public AttachmentController(AttachmentService attachments) {
        this.attachments = attachments;
    }

    @PostMapping
    @Operation(summary = "Attach an image (machine powered off); an immutable image gets the machine's own"
            + " differencing image")
    public ResponseEntity<AttachmentResponse> attach(@PathVariable UUID machineId,
            @Valid @RequestBody AttachRequest request) {
        AttachmentResponse attached = attachments.attach(machineId, request);
        return ResponseEntity.created(URI.create("/api/machines/" + machineId + "/attachments/" + attached.id()))
                .body(attached);
    }

    @GetMapping
    @Operation(summary = "List the machine's attachments")
    public List<AttachmentResponse> list(@PathVariable UUID machineId) {
        return attachments.list(machineId);
    }

    @GetMapping("/{attachmentId}")
    @Operation(summary = "Get one attachment")
    public AttachmentResponse get(@PathVariable UUID machineId, @PathVariable UUID attachmentId) {
        return attachments.get(machineId, attachmentId);
    }

    @DeleteMapping("/{attachmentId}")
    @Operation(summary = "Detach a disk (machine powered off); the machine's own differencing image is deleted"
            + " unless keepDisk=true")
    public ResponseEntity<Void> detach(@PathVariable UUID machineId, @PathVariable UUID attachmentId,
            @Parameter(description = "Keep the machine's own differencing image as an unattached image",
                    example = "false") @RequestParam(defaultValue = "false") boolean keepDisk) {
        attachments.detach(machineId, attachmentId, keepDisk);
        return ResponseEntity.noContent().build();
    }
}
