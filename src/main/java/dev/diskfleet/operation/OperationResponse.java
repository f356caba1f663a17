package dev.diskfleet.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.http.ProblemDetail;

/** An operation as clients see it; {@code error} is a problem detail when it failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationResponse(
        UUID id,
        String kind,
        String state,
        int progress,
        UUID targetId,
        String resourceUrl,
        Object result,
        ProblemDetail error,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime finishedAt) {
}
