package dev.diskfleet.api.audit;

import dev.diskfleet.provisioning.audit.AuditLog;
import dev.diskfleet.api.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.OffsetDateTime;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "Who changed what, and which requests were refused (admin only)")
public class AuditController {

    private final AuditLog audit;

    public AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    @Operation(operationId = "listAuditEntries",
            summary = "List audit entries, newest first, optionally of one principal and in [from, to)")
    public PageResponse<AuditEntryResponse> list(
            @RequestParam(required = false) @Parameter(description = "Exact principal name", example = "ci-pipeline")
            String principal,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
            @Parameter(example = "2026-01-15T00:00:00Z") OffsetDateTime from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
            @Parameter(example = "2026-01-16T00:00:00Z") OffsetDateTime to,
            @RequestParam(defaultValue = "0") @Min(0) @Parameter(example = "0") int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) @Parameter(example = "20") int size) {
        return PageResponse.of(audit.search(principal, from, to, PageRequest.of(page, size,
                Sort.by(Sort.Direction.DESC, "occurredAt").and(Sort.by("id")))), AuditEntryResponse::of);
    }
}
