package dev.diskfleet.image;

import dev.diskfleet.provisioning.ProvisioningService;
import dev.diskfleet.web.ETags;
import dev.diskfleet.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/images")
@Tag(name = "Images", description = "Golden images, their clones and differencing images")
public class ImageController {

    private final ImageService images;
    private final ProvisioningService provisioning;

    public ImageController(ImageService images, ProvisioningService provisioning) {
        this.images = images;
        this.provisioning = provisioning;
    }

    @PostMapping
    @Operation(summary = "Create a blank image")
    public ResponseEntity<ImageResponse> create(@Valid @RequestBody CreateImageRequest request) {
        Image image = provisioning.createBlank(request);
        return ResponseEntity.created(URI.create("/api/images/" + image.getId()))
                .eTag(ETags.of(image.getVersion()))
                .body(images.toResponse(image));
    }

    @GetMapping
    @Operation(summary = "List images, paged and filtered by type, parent or name (substring)")
    public PageResponse<ImageResponse> list(
            @RequestParam(required = false) @Pattern(regexp = "normal|writethrough|immutable",
                    message = "must be normal, writethrough or immutable") String type,
            @RequestParam(required = false) UUID parentId,
            @RequestParam(required = false) String name,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) int size) {
        var result = images.list(type, parentId, name, PageRequest.of(page, size, Sort.by("createdAt", "id")));
        return new PageResponse<>(result.getContent(), result.getNumber(), result.getSize(),
                result.getTotalElements(), result.getTotalPages());
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an image (with its ETag)")
    public ResponseEntity<ImageResponse> get(@PathVariable UUID id) {
        Image image = images.require(id);
        return ResponseEntity.ok().eTag(ETags.of(image.getVersion())).body(images.toResponse(image));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Rename, describe, retype or set autoReset; honours If-Match")
    public ResponseEntity<ImageResponse> update(@PathVariable UUID id, @Valid @RequestBody PatchImageRequest patch,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        ImageResponse updated = images.update(id, patch, ifMatch);
        return ResponseEntity.ok().eTag(ETags.of(images.require(id).getVersion())).body(updated);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete an image and its file; refused while it has children or attachments")
    public ResponseEntity<Void> delete(@PathVariable UUID id) {
        provisioning.delete(id);
        return ResponseEntity.noContent().build();
    }
}
