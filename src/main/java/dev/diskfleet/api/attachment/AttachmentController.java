package dev.diskfleet.api.attachment;

import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
    @Operation(operationId = "attachImage", summary = "Attach an image (machine powered off); an immutable image gets"
            + " the machine's own differencing image")
    @ApiResponse(responseCode = "201", description = "Attached; Location names the attachment")
    @ApiResponse(responseCode = "404", description = "No machine has this id, or no image has imageId",
            content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(name = "image",
                    value = ProblemExamples.ATTACHED_IMAGE_NOT_FOUND)))
    @ApiResponse(responseCode = "409", description = "The machine is running, the slot is taken, or a normal image is"
            + " attached elsewhere", content = @Content(mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "slot-occupied", value = ProblemExamples.SLOT_OCCUPIED),
                    @ExampleObject(name = "image-attached-elsewhere", value = ProblemExamples.ATTACHED_ELSEWHERE)}))
    @ApiResponse(responseCode = "507", description = "The storage root is full", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    public ResponseEntity<AttachmentResponse> attach(@PathVariable UUID machineId,
            @Valid @RequestBody AttachRequest request) {
        AttachmentResponse attached = AttachmentResponse.of(attachments.details(disks.attach(machineId,
                new AttachmentPlan(request.imageId(), request.port(), request.device(), request.autoReset()))));
        return ResponseEntity.created(URI.create("/api/machines/" + machineId + "/attachments/" + attached.id()))
                .body(attached);
    }

    @GetMapping
    @Operation(operationId = "listAttachments", summary = "List the machine's attachments")
    public List<AttachmentResponse> list(@PathVariable UUID machineId) {
        return attachments.list(machineId).stream().map(AttachmentResponse::of).toList();
    }

    @GetMapping("/{attachmentId}")
    @Operation(operationId = "getAttachment", summary = "Get one attachment")
    public AttachmentResponse get(@PathVariable UUID machineId, @PathVariable UUID attachmentId) {
        return AttachmentResponse.of(attachments.get(machineId, attachmentId));
    }

    @DeleteMapping("/{attachmentId}")
    @Operation(operationId = "detachImage", summary = "Detach a disk (machine powered off); the machine's own"
            + " differencing image is deleted unless keepDisk=true")
    @ApiResponse(responseCode = "204", description = "Detached")
    @ApiResponse(responseCode = "409", description = "The machine is running, or a snapshot still holds the disk",
            content = @Content(mediaType = "application/problem+json",
                    examples = @ExampleObject(value = ProblemExamples.DETACH_RUNNING)))
    public ResponseEntity<Void> detach(@PathVariable UUID machineId, @PathVariable UUID attachmentId,
            @Parameter(description = "Keep the machine's own differencing image as an unattached image",
                    example = "false") @RequestParam(defaultValue = "false") boolean keepDisk) {
        disks.detach(machineId, attachmentId, keepDisk);
        return ResponseEntity.noContent().build();
    }
}
