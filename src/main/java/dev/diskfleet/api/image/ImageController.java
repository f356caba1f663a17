package dev.diskfleet.api.image;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.image.ImageContent;
import dev.diskfleet.provisioning.image.ImageCatalog;
import dev.diskfleet.provisioning.image.ImageDraft;
import dev.diskfleet.provisioning.image.ImagePatch;
import dev.diskfleet.api.operation.OperationResponse;
import dev.diskfleet.api.operation.OperationResponses;
import dev.diskfleet.provisioning.image.ImageClones;
import dev.diskfleet.provisioning.image.ImageUploads;
import dev.diskfleet.provisioning.image.ImageProvisioning;
import dev.diskfleet.api.web.ContentRanges;
import dev.diskfleet.api.web.DiskRange;
import dev.diskfleet.api.web.ETags;
import dev.diskfleet.api.web.PageResponse;
import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@RequestMapping("/api/images")
@Tag(name = "Images", description = "Golden images, their clones and differencing images")
public class ImageController {

    private static final String PROBLEM = "application/problem+json";
    private static final String TYPE_PATTERN = "normal|writethrough|immutable";
    private static final String TYPE_MESSAGE = "must be normal, writethrough or immutable";

    private final ImageCatalog images;
    private final ImageContent content;
    private final ImageProvisioning provisioning;
    private final ImageUploads uploads;
    private final ImageClones clones;
    private final OperationResponses operations;

    public ImageController(ImageCatalog images, ImageContent content, ImageProvisioning provisioning,
            ImageUploads uploads, ImageClones clones, OperationResponses operations) {
        this.images = images;
        this.content = content;
        this.provisioning = provisioning;
        this.uploads = uploads;
        this.clones = clones;
        this.operations = operations;
    }

    @PostMapping
    @Operation(operationId = "createImage", summary = "Create a blank image")
    @ApiResponse(responseCode = "201", description = "Created; Location names the new image")
    @ApiResponse(responseCode = "507", description = "The storage root is full, or the image would leave less than"
            + " diskfleet.limits.min-free-space free", content = @Content(mediaType = PROBLEM, examples = {
                    @ExampleObject(name = "out-of-space", value = ProblemExamples.OUT_OF_SPACE),
                    @ExampleObject(name = "insufficient-storage", value = ProblemExamples.INSUFFICIENT_STORAGE)}))
    @ApiResponse(responseCode = "400", description = "Invalid fields, each named; an unknown format, or a variant"
            + " the format lacks (qcow2 is never fixed)", content = @Content(mediaType = PROBLEM, examples = {
                    @ExampleObject(name = "validation", value = ProblemExamples.VALIDATION),
                    @ExampleObject(name = "unsupported-variant", value = ProblemExamples.UNSUPPORTED_VARIANT)}))
    public ResponseEntity<ImageResponse> create(@Valid @RequestBody CreateImageRequest request) {
        return created(provisioning.createBlank(new ImageDraft(request.name(), request.description(),
                request.sizeBytes(), request.format(), request.variant(), request.type())));
    }

    /** PUT for {@code curl -T disk.vdi}, POST for {@code curl --data-binary @disk.vdi}: the same upload. */
    @PutMapping(path = "/uploads", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "uploadImage", summary = "Upload a disk image, streamed (PUT, as curl -T sends it)",
            description = "The body is the image file itself: `curl -T disk.vdi` (a PUT) or"
                    + " `curl --data-binary @disk.vdi` (a POST; curl reads the file into memory first, so use -T for"
                    + " big files). The format is detected from the content (VDI or qcow2 by its magic, otherwise raw;"
                    + " compressed qcow2, as cloud images come, is read), the file is validated, and a malformed,"
                    + " truncated or hostile upload, or a qcow2 that names a backing file, is refused with 422 and"
                    + " leaves nothing behind.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                            schema = @Schema(type = "string", format = "binary"))))
    @UploadResponses
    public ResponseEntity<ImageResponse> upload(
            @RequestParam @NotBlank @Size(max = 255) @PrintableName @Parameter(example = "ubuntu-24.04-postgres-16") String name,
            @RequestParam(required = false) @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE)
            @Parameter(description = "Write mode; default normal", example = "normal") String type,
            @RequestParam(required = false) @Size(max = 2000) @PrintableText @Parameter(example = "golden disk") String description,
            @Parameter(hidden = true) InputStream body, @Parameter(hidden = true) HttpServletRequest request) {
        return created(uploads.upload(name, description, ApiNames.parse(ImageType.class, type, ImageType.NORMAL), body,
                request.getContentLengthLong()));
    }

    @PostMapping(path = "/uploads", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "uploadImageByPost", summary = "Upload a disk image, streamed (POST, as curl"
            + " --data-binary sends it; the same as the PUT)", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    required = true, content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                            schema = @Schema(type = "string", format = "binary"))))
    @UploadResponses
    public ResponseEntity<ImageResponse> uploadByPost(
            @RequestParam @NotBlank @Size(max = 255) @PrintableName @Parameter(example = "ubuntu-24.04-postgres-16") String name,
            @RequestParam(required = false) @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE)
            @Parameter(description = "Write mode; default normal", example = "normal") String type,
            @RequestParam(required = false) @Size(max = 2000) @PrintableText @Parameter(example = "golden disk") String description,
            @Parameter(hidden = true) InputStream body, @Parameter(hidden = true) HttpServletRequest request) {
        return upload(name, type, description, body, request);
    }

    /** What both uploads answer: springdoc reads the {@code @ApiResponse}s this annotation carries. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "201", description = "Stored; Location names the new image")
    @ApiResponse(responseCode = "400", description = "The upload broke off before its end", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(name = "upload-interrupted",
                    value = ProblemExamples.UPLOAD_INTERRUPTED)))
    @ApiResponse(responseCode = "413", description = "The body is larger than diskfleet.limits.max-upload-size;"
            + " nothing was stored", content = @Content(mediaType = PROBLEM))
    @ApiResponse(responseCode = "422", description = "Not a valid image file, or a disk larger than"
            + " diskfleet.limits.max-virtual-size", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.INVALID_IMAGE)))
    @ApiResponse(responseCode = "507", description = "The storage root is full, or storing it would leave less than"
            + " diskfleet.limits.min-free-space free; nothing was stored", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    @interface UploadResponses {
    }

    @GetMapping
    @Operation(operationId = "listImages", summary = "List images, paged and filtered by kind, type, parent or name"
            + " (substring)")
    public PageResponse<ImageResponse> list(
            @RequestParam(required = false) @Pattern(regexp = "base|differencing",
                    message = "must be base or differencing") @Parameter(description = "base: images on no parent"
                    + " (golden images, fleet bases, standalone disks); differencing: images on a parent (each"
                    + " machine's own disk on an immutable image, snapshot layers)", example = "base") String kind,
            @RequestParam(required = false) @Pattern(regexp = TYPE_PATTERN, message = TYPE_MESSAGE)
            @Parameter(example = "immutable") String type,
            @RequestParam(required = false) @Parameter(description = "Only differencing images on this parent")
            UUID parentId,
            @RequestParam(required = false) @PrintableName @Parameter(description = "Case-insensitive substring of the name",
                    example = "ubuntu") String name,
            @RequestParam(defaultValue = "0") @Min(0) @Parameter(example = "0") int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) @Parameter(example = "20") int size) {
        var result = images.list(kind, type, parentId, name, PageRequest.of(page, size));
        return PageResponse.of(result, ImageResponse::of);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getImage", summary = "Get an image (with its ETag)")
    @ApiResponse(responseCode = "200", description = "The image", headers = @Header(name = HttpHeaders.ETAG,
            description = "Give it back in If-Match when you change the image", schema = @Schema(example = "\"3\"")))
    public ResponseEntity<ImageResponse> get(@PathVariable UUID id) {
        Image image = images.require(id);
        return ResponseEntity.ok().eTag(ETags.of(image.getVersion())).body(ImageResponse.of(images.details(image)));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateImage", summary = "Rename, describe, retype or set autoReset; honours If-Match",
            description = "The type can change only while the image has no differencing images and no"
                    + " attachments; autoReset exists only on differencing images.")
    @ApiResponse(responseCode = "200", description = "The changed image, with its new ETag")
    @ApiResponse(responseCode = "400", description = "Invalid fields; a type for a differencing image, or autoReset"
            + " for a base", content = @Content(mediaType = PROBLEM, examples = @ExampleObject(name = "type-on-differencing",
                    value = ProblemExamples.TYPE_ON_DIFFERENCING)))
    @ApiResponse(responseCode = "409", description = "Children or attachments keep the type from changing",
            content = @Content(mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.IN_USE)))
    public ResponseEntity<ImageResponse> update(@PathVariable UUID id, @Valid @RequestBody PatchImageRequest patch,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
            @Parameter(example = "\"3\"") String ifMatch) {
        Image updated = provisioning.update(id, new ImagePatch(patch.name(), patch.description(), patch.type(),
                patch.autoReset()), ETags.ifMatch(ifMatch));
        return ResponseEntity.ok().eTag(ETags.of(updated.getVersion())).body(ImageResponse.of(images.details(updated)));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteImage", summary = "Delete an image and its file; refused while it has children or attachments")
    @ApiResponse(responseCode = "204", description = "Deleted, row and file")
    @ApiResponse(responseCode = "409", description = "Differencing images, attachments or a running clone or"
            + " download keep it", content = @Content(mediaType = PROBLEM, examples = {
                    @ExampleObject(name = "image-has-children", value = ProblemExamples.IN_USE),
                    @ExampleObject(name = "image-busy", value = ProblemExamples.IMAGE_BUSY)}))
    public ResponseEntity<Void> delete(@PathVariable UUID id) {
        provisioning.delete(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/clone")
    @Operation(operationId = "cloneImage", summary = "Clone an image into a full, independent copy (an operation)",
            description = "A differencing image is flattened into the copy, which may be in another format"
                    + " (vdi, qcow2, raw). Answers 202 with the operation;"
                    + " when it succeeds its resourceUrl names the new image.")
    @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation (kind clone-image)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OperationResponse.class),
                    examples = @ExampleObject(value = ProblemExamples.CLONE_ACCEPTED)))
    @ApiResponse(responseCode = "400", description = "Invalid fields; an unknown format, or a variant the format"
            + " lacks (qcow2 is never fixed)", content = @Content(mediaType = PROBLEM,
                    examples = @ExampleObject(value = ProblemExamples.UNSUPPORTED_VARIANT)))
    @ApiResponse(responseCode = "409", description = "The source's file is missing", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.INACCESSIBLE)))
    @ApiResponse(responseCode = "507", description = "The copy may leave less than diskfleet.limits.min-free-space"
            + " free", content = @Content(mediaType = PROBLEM))
    public ResponseEntity<OperationResponse> clone(@PathVariable UUID id, @Valid @RequestBody CloneImageRequest request) {
        var operation = clones.start(id, new ImageDraft(request.name(), request.description(), null,
                request.format(), request.variant(), request.type()));
        return ResponseEntity.accepted().location(URI.create("/api/operations/" + operation.getId()))
                .body(operations.toResponse(operation));
    }

    @GetMapping("/{id}/content")
    @Operation(operationId = "downloadImage", summary = "Download the virtual disk, streamed",
            description = "Raw bytes of the disk as a guest sees it (the differencing chain flattened), with"
                    + " single-range support (bytes=a-b, bytes=a-, bytes=-n; a Range that is not one valid byte range,"
                    + " or any If-Range, gets the whole disk). With format=vdi or format=qcow2 a"
                    + " standalone image file of the flattened disk instead, without ranges.")
    @ApiResponse(responseCode = "200", description = "The whole disk", content = @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "206", description = "The requested range; Content-Range says which",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                    schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "409", description = "The file is missing, or the image is being changed",
            content = @Content(mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.INACCESSIBLE)))
    @ApiResponse(responseCode = "416", description = "The range lies outside the disk", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.RANGE)))
    @ApiResponse(responseCode = "507", description = "A vdi or qcow2 export's temporary copy may leave less than"
            + " diskfleet.limits.min-free-space free", content = @Content(mediaType = PROBLEM))
    public ResponseEntity<StreamingResponseBody> content(@PathVariable UUID id,
            @RequestParam(required = false) @Parameter(description = "raw (default), vdi or qcow2", example = "qcow2")
            String format,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) @Parameter(example = "bytes=0-1048575")
            String range,
            @RequestHeader(value = HttpHeaders.IF_RANGE, required = false)
            @Parameter(description = "Content has no validator, so any If-Range sends the whole disk") String ifRange) {
        if (format != null && !format.equals("raw")) {
            provisioning.requireFormat(format);
            content.requireExportable(id);
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header(HttpHeaders.CONTENT_DISPOSITION, attachment(id, format))
                    .header(HttpHeaders.ACCEPT_RANGES, "none")
                    .body(out -> content.exportTo(id, format, out));
        }
        long size = content.virtualSize(id);
        Optional<DiskRange> requested = DiskRange.ofRangeHeader(ContentRanges.effectiveRange(range, ifRange), size);
        DiskRange served = requested.orElse(new DiskRange(0, size, size));
        ResponseEntity.BodyBuilder response = requested.isPresent()
                ? ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).header(HttpHeaders.CONTENT_RANGE,
                        served.contentRange())
                : ResponseEntity.ok();
        return response.contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(served.length())
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .header(HttpHeaders.CONTENT_DISPOSITION, attachment(id, "raw"))
                .body(out -> content.copyRawTo(id, served.offset(), served.length(), out));
    }

    @PostMapping("/{id}/check")
    @Operation(operationId = "checkImage", summary = "Check the image file's consistency (like qemu-img check)")
    @ApiResponse(responseCode = "200", description = "What the check found: leaks, corruptions, the file's figures")
    @ApiResponse(responseCode = "409", description = "The file is missing", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.INACCESSIBLE)))
    public CheckResponse check(@PathVariable UUID id) {
        return CheckResponse.of(id, content.check(id));
    }

    private ResponseEntity<ImageResponse> created(Image image) {
        return ResponseEntity.created(URI.create("/api/images/" + image.getId()))
                .eTag(ETags.of(image.getVersion()))
                .body(ImageResponse.of(images.details(image)));
    }

    private static String attachment(UUID id, String extension) {
        return ContentDisposition.attachment().filename(id + "." + extension).build().toString();
    }
}
