package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.export.ExportService;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Whether this node serves an NBD export: another node asks, to forward a request for it here. */
@Hidden
@RestController
@RequestMapping("/internal/exports")
public class InternalExportController {

    private final ExportService exports;

    public InternalExportController(ExportService exports) {
        this.exports = exports;
    }

    @GetMapping("/{id}")
    public ResponseEntity<Void> served(@PathVariable UUID id) {
        return exports.serves(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }
}
