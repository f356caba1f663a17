package dev.diskfleet.operation;

import dev.diskfleet.web.ApiException;
import dev.diskfleet.web.Problems;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

@Service
public class OperationService {

    /** Long polls wait at most this long, whatever the client asks. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 50;

    private final OperationRepository operations;
    private final JsonMapper json;

    public OperationService(OperationRepository operations, JsonMapper json) {
        this.operations = operations;
        this.json = json;
    }

    public OperationResponse get(UUID id) {
        return toResponse(operations.findById(id).orElseThrow(() -> ApiException.notFound("operation", id)));
    }

    public Page<OperationResponse> list(Pageable pageable) {
        return operations.findAll(pageable).map(this::toResponse);
    }

    /** Returns as soon as the operation has finished, or after {@code timeout} with its current state. */
    public OperationResponse await(UUID id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_WAIT.toNanos());
        while (true) {
            Operation operation = operations.findById(id).orElseThrow(() -> ApiException.notFound("operation", id));
            if (operation.getState().isFinished() || System.nanoTime() >= deadline) {
                return toResponse(operation);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    public OperationResponse toResponse(Operation o) {
        ProblemDetail error = null;
        if (o.getErrorStatus() != null) {
            error = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(o.getErrorStatus()), o.getErrorDetail());
            error.setTitle(o.getErrorTitle());
            String type = o.getErrorType();
            error.setType(URI.create(type != null ? type : Problems.TYPE_BASE + "internal"));
        }
        Object result = o.getResultJson() == null ? null : json.readValue(o.getResultJson(), Object.class);
        return new OperationResponse(o.getId(), o.getKind(), o.getState().name().toLowerCase(), o.getProgress(),
                o.getTargetId(), o.getResourceUrl(), result, error, o.getCreatedAt(), o.getUpdatedAt(),
                o.getFinishedAt());
    }
}
