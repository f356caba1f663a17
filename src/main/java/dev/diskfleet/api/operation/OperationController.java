package dev.diskfleet.api.operation;

import dev.diskfleet.provisioning.operation.OperationCatalog;
import dev.diskfleet.api.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/operations")
@Tag(name = "Operations", description = "Long-running work: clones, fleet deployments")
public class OperationController {

    private final OperationCatalog operations;
    private final OperationResponses responses;

    public OperationController(OperationCatalog operations, OperationResponses responses) {
        this.operations = operations;
        this.responses = responses;
    }

    @GetMapping
    @Operation(operationId = "listOperations", summary = "List operations, newest first")
    public PageResponse<OperationResponse> list(
            @RequestParam(defaultValue = "0") @Min(0) @Parameter(example = "0") int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) @Parameter(example = "20") int size) {
        var result = operations.list(PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt")));
        return PageResponse.of(result, responses::toResponse);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getOperation", summary = "Get an operation: state, progress, the created resource's URL"
            + " or the error")
    @ApiResponse(responseCode = "200", description = "The operation as it is now")
    public OperationResponse get(@PathVariable UUID id) {
        return responses.toResponse(operations.get(id));
    }

    @GetMapping("/{id}/wait")
    @Operation(operationId = "waitForOperation", summary = "Long poll: answer when the operation finishes, or after"
            + " timeout seconds (max 60)")
    @ApiResponse(responseCode = "200", description = "The operation: finished (succeeded or failed), or still running"
            + " when the timeout passed")
    public OperationResponse await(@PathVariable UUID id,
            @RequestParam(defaultValue = "30") @Min(0) @Max(60) @Parameter(example = "30") int timeout)
            throws InterruptedException {
        return responses.toResponse(operations.await(id, Duration.ofSeconds(timeout)));
    }
}
