package dev.diskfleet.api.attachment;

import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import dev.diskfleet.api.web.ContentRanges;
import dev.diskfleet.api.web.DiskRange;
import dev.diskfleet.provisioning.attachment.GuestDiskService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/machines/{machineId}/attachments/{attachmentId}/data")
@Tag(name = "Guest disk I/O", description = "Read and write a disk as its guest sees it, to seed or inspect it")
public class GuestDiskController {

    private final GuestDiskService disks;

    public GuestDiskController(GuestDiskService disks) {
        this.disks = disks;
    }

    @GetMapping
    @Operation(operationId = "readGuestDisk", summary = "Read the disk through the guest's chain; one Range"
            + " (bytes=first-last, first-, -suffix) gives 206; none, or one that is not a single valid byte range,"
            + " or any If-Range, streams the whole disk")
    @ApiResponse(responseCode = "200", description = "The whole disk", content = @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "206", description = "The range asked for", content = @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "409", description = "The machine's guest runs under QEMU and the disk is qcow2 or raw,"
            + " which QEMU writes itself (reads of VDI disks go through the service's own NBD export)", content = @Content(
            mediaType = "application/problem+json"))
    public void read(@PathVariable UUID machineId, @PathVariable UUID attachmentId,
            @Parameter(example = "bytes=0-511") @RequestHeader(value = HttpHeaders.RANGE, required = false) String range,
            @RequestHeader(value = HttpHeaders.IF_RANGE, required = false) String ifRange,
            HttpServletResponse response) throws IOException {
        try (GuestDiskService.GuestRead read = disks.openRead(machineId, attachmentId)) {
            Optional<DiskRange> requested = DiskRange.ofRangeHeader(ContentRanges.effectiveRange(range, ifRange),
                    read.size());
            DiskRange slice = requested.orElse(new DiskRange(0, read.size(), read.size()));
            response.setStatus(requested.isPresent() ? HttpStatus.PARTIAL_CONTENT.value() : HttpStatus.OK.value());
            if (requested.isPresent()) {
                response.setHeader(HttpHeaders.CONTENT_RANGE, slice.contentRange());
            }
            response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
            response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
            response.setContentLengthLong(slice.length());
            read.streamTo(response.getOutputStream(), slice.offset(), slice.length());
        }
    }

    @PutMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "writeGuestDisk", summary = "Write a byte range into the guest's own medium: Content-Range"
            + " bytes first-last/* (or /size) and a body of exactly last-first+1 bytes, at most 256 MiB")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "204", description = "Written")
    @ApiResponse(responseCode = "400", description = "Content-Range is missing or malformed, or the body's length"
            + " differs from it", content = @Content(mediaType = "application/problem+json",
                    examples = @ExampleObject(name = "malformed-range", value = ProblemExamples.MALFORMED_RANGE)))
    @ApiResponse(responseCode = "409", description = "The medium is immutable or has children", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.MEDIUM_NOT_WRITABLE)))
    @ApiResponse(responseCode = "413", description = "More than 256 MiB in one PUT", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.WRITE_TOO_LARGE)))
    @ApiResponse(responseCode = "416", description = "The range lies outside the disk", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.RANGE)))
    @ApiResponse(responseCode = "507", description = "The storage root is full", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    public ResponseEntity<Void> write(@PathVariable UUID machineId, @PathVariable UUID attachmentId,
            @Parameter(example = "bytes 0-511/*") @RequestHeader(value = HttpHeaders.CONTENT_RANGE, required = false)
            String contentRange, HttpServletRequest request) throws IOException {
        try (GuestDiskService.GuestWrite write = disks.openWrite(machineId, attachmentId)) {
            DiskRange range = DiskRange.ofContentRange(contentRange, write.size());
            write.write(range.offset(), range.length(), request.getContentLengthLong(), request.getInputStream());
        }
        return ResponseEntity.noContent().build();
    }

}
