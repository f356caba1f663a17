package dev.diskfleet.api.image;

import dev.diskfleet.api.operation.OperationResponse;
import dev.diskfleet.api.operation.OperationResponses;
import dev.diskfleet.api.web.ProblemExamples;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.provisioning.replication.ImageReplicator;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/images")
public class ImageLocationController {

    private static final String PROBLEM = "application/problem+json";

    private final ImageReplicator replicator;
    private final OperationResponses operations;

    public ImageLocationController(ImageReplicator replicator, OperationResponses operations) {
        this.replicator = replicator;
        this.operations = operations;
    }

    @PostMapping("/{id}/locations/{node}")
    @io.swagger.v3.oas.annotations.Operation(operationId = "copyImageToNode", tags = "Images",
            summary = "Copy an immutable image's file to this node (an operation; admin)",
            description = "Sent to the node named in the path, which fetches the file from a node that holds it,"
                    + " checks its SHA-256 and adds itself to the image's locations. An image already there is left"
                    + " as it is. Only immutable images travel between nodes.")
    @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation (kind copy-image)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OperationResponse.class)))
    @ApiResponse(responseCode = "409", description = "The node is another one (send the request there), the image"
            + " is not immutable and lives on another node, or no online node holds it", content = @Content(
                    mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.IMAGE_ON_ANOTHER_NODE)))
    public ResponseEntity<OperationResponse> copyHere(@PathVariable UUID id, @PathVariable String node) {
        Operation operation = replicator.start(id, node);
        return ResponseEntity.accepted().location(URI.create("/api/operations/" + operation.getId()))
                .body(operations.toResponse(operation));
    }
}
