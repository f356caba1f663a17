package dev.diskfleet.api.operation;

import dev.diskfleet.api.web.Problems;
import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.operation.Operation;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** An operation row as clients see it: its stored error becomes a problem detail, its result a document. */
@Component
public class OperationResponses {

    private final JsonMapper json;

    public OperationResponses(JsonMapper json) {
        this.json = json;
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
        return new OperationResponse(o.getId(), o.getKind(), ApiNames.of(o.getState()), o.getProgress(),
                o.getTargetId(), o.getResourceUrl(), result, error, o.getCreatedAt(), o.getUpdatedAt(),
                o.getFinishedAt());
    }
}
