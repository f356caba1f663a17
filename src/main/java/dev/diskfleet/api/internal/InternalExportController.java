package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.export.ExportDetails;
import dev.diskfleet.provisioning.export.ExportService;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** This node's NBD exports, as other nodes ask for them: to list every node's, and to forward a request for one here. */
@Hidden
@RestController
@RequestMapping("/internal/exports")
public class InternalExportController {

    private final ExportService exports;

    public InternalExportController(ExportService exports) {
        this.exports = exports;
    }

    /** Every export this node serves, for another node's list of all. */
    @GetMapping
    public List<ExportDetails> all() {
        return exports.all();
    }

    @GetMapping("/{id}")
    public ResponseEntity<Void> served(@PathVariable UUID id) {
        return exports.serves(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }
}
