package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.replication.FileSizes;
import dev.diskfleet.provisioning.replication.ImageFileSource;
import dev.diskfleet.provisioning.replication.ImageFileSource.ServedFile;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@Hidden
@RestController
@RequestMapping("/internal/images")
public class InternalImageController {

    private final ImageFileSource files;
    private final FileSizes sizes;

    public InternalImageController(ImageFileSource files, FileSizes sizes) {
        this.files = files;
        this.sizes = sizes;
    }

    /** An immutable image's file as stored, streamed, with its SHA-256 and format in headers. */
    @GetMapping("/{id}/content")
    public ResponseEntity<StreamingResponseBody> content(@PathVariable UUID id) {
        ServedFile file = files.describe(id);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(file.length())
                .header(ImageFileSource.DIGEST_HEADER, file.sha256())
                .header(ImageFileSource.FORMAT_HEADER, file.format())
                .body(out -> files.streamTo(file, out));
    }

    /** The disk space of those of these images' files this node holds (for a fleet's usage read elsewhere). */
    @PostMapping("/allocated")
    public FileSizes.Sizes allocated(@RequestBody List<UUID> ids) {
        return new FileSizes.Sizes(sizes.allocatedHere(ids));
    }
}
