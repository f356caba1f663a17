package dev.diskfleet.web;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.StorageException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The one mapping from the service's and the storage component's exceptions to problem details, used
 * for HTTP responses and for the error of a failed operation alike.
 */
public final class ProblemMapper {

    private ProblemMapper() {
    }

    public static ProblemDetail toProblem(Throwable e) {
        if (e instanceof ApiException api) {
            return Problems.of(api.status(), api.type(), api.title(), api.getMessage());
        }
        if (e instanceof ImageFormatException) {
            return Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-image", "Invalid image file", e.getMessage());
        }
        if (e instanceof ChainException) {
            return Problems.of(HttpStatus.CONFLICT, "broken-chain", "Broken differencing chain", e.getMessage());
        }
        if (e instanceof OptimisticLockingFailureException) {
            return Problems.of(HttpStatus.CONFLICT, "concurrent-update", "Concurrent update",
                    "the resource was changed by another request at the same time; fetch it again and retry");
        }
        if (e instanceof StorageException) {
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure", "Storage failure", e.getMessage());
        }
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "the service failed unexpectedly; the failure is logged");
    }
}
