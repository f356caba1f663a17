package dev.diskfleet.api.web;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.InsufficientStorageException;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.LimitExceededException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.PeerFailureException;
import dev.diskfleet.domain.PreconditionFailedException;
import dev.diskfleet.domain.RangeNotSatisfiableException;
import dev.diskfleet.domain.TooLargeException;
import dev.diskfleet.provisioning.guest.GuestStartFailedException;
import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageNotFoundException;
import dev.diskfleet.storage.ImageNotWritableException;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.VirtualSizeLimitException;
import java.io.IOException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The one mapping from the domain's, the HTTP layer's and the storage engine's exceptions to problem
 * details, used for HTTP responses and for the error of a failed operation alike.
 */
public final class ProblemMapper {

    private static final java.util.regex.Pattern HOST_PATH =
            java.util.regex.Pattern.compile("(?<![\\w.~])/(?:[^\\s/:;,'\"()]+/)*([^\\s/:;,'\"()]+)");

    private ProblemMapper() {
    }

    public static ProblemDetail toProblem(Throwable e) {
        if (e instanceof DomainException domain) {
            return ofDomain(domain);
        }
        if (e instanceof ApiException api) {
            return Problems.of(api.status(), api.type(), api.title(), api.getMessage());
        }
        if (e instanceof VirtualSizeLimitException) {
            // The store's bound is diskfleet.limits.max-virtual-size: the same refusal as a create's or an upload's.
            return Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "virtual-size-too-large", "Limit exceeded",
                    withoutHostPaths(e.getMessage()) + " (diskfleet.limits.max-virtual-size)");
        }
        if (e instanceof ImageFormatException) {
            return Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-image", "Invalid image file", e.getMessage());
        }
        if (e instanceof ChainException) {
            return Problems.of(HttpStatus.CONFLICT, "broken-chain", "Broken differencing chain", e.getMessage());
        }
        if (e instanceof ImageNotFoundException) {
            // The row is there but its file is gone: the image cannot be read until the file is restored.
            return Problems.of(HttpStatus.CONFLICT, "image-inaccessible", "Image inaccessible", e.getMessage()
                    + "; restore the file and restart the service, or delete the image");
        }
        if (e instanceof ImageNotWritableException) {
            // A file the driver can read but not change (e.g. a qcow2 with internal snapshots): the image's state.
            return Problems.of(HttpStatus.CONFLICT, "image-not-writable", "Image not writable",
                    withoutHostPaths(e.getMessage()));
        }
        if (e instanceof ConcurrencyFailureException) {
            return Problems.of(HttpStatus.CONFLICT, "concurrent-update", "Concurrent update",
                    "the resource was changed by another request at the same time; fetch it again and retry");
        }
        if (e instanceof DataIntegrityViolationException) {
            return Problems.of(HttpStatus.CONFLICT, "integrity-conflict", "Conflicting change",
                    "the change conflicts with related data that another request changed at the same time;"
                            + " fetch the resources again and retry");
        }
        if (e instanceof GuestStartFailedException) {
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "guest-start-failed", "Guest start failed",
                    e.getMessage());
        }
        if (e instanceof StorageException && isOutOfSpace(e)) {
            return Problems.of(HttpStatus.INSUFFICIENT_STORAGE, "out-of-space", "Out of space",
                    "the storage root has no space left for this image; free space or choose a smaller size");
        }
        if (e instanceof StorageException) {
            // The message says what failed, but names files by their host path, which is not the client's
            // business: the detail keeps the file's own name only; the log has the whole message.
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure", "Storage failure",
                    withoutHostPaths(e.getMessage()) + "; the failure is logged");
        }
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "the service failed unexpectedly; the failure is logged");
    }

    /** One status and title per domain exception; the slug is the problem type, the message its detail. */
    private static ProblemDetail ofDomain(DomainException e) {
        HttpStatus status;
        String title;
        if (e instanceof NotFoundException) {
            status = HttpStatus.NOT_FOUND;
            title = "Not found";
        } else if (e instanceof ConflictException) {
            status = HttpStatus.CONFLICT;
            title = "Conflict";
        } else if (e instanceof InvalidRequestException) {
            status = HttpStatus.BAD_REQUEST;
            title = "Bad request";
        } else if (e instanceof PreconditionFailedException) {
            status = HttpStatus.PRECONDITION_FAILED;
            title = "Precondition failed";
        } else if (e instanceof RangeNotSatisfiableException) {
            status = HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            title = "Range not satisfiable";
        } else if (e instanceof InsufficientStorageException) {
            status = HttpStatus.INSUFFICIENT_STORAGE;
            title = "Insufficient storage";
        } else if (e instanceof LimitExceededException) {
            status = HttpStatus.UNPROCESSABLE_CONTENT;
            title = "Limit exceeded";
        } else if (e instanceof PeerFailureException) {
            status = HttpStatus.BAD_GATEWAY;
            title = "Another node failed";
        } else if (e instanceof TooLargeException) {
            status = HttpStatus.CONTENT_TOO_LARGE;
            title = "Content too large";
        } else {
            status = HttpStatus.UNPROCESSABLE_CONTENT;
            title = "Unprocessable request";
        }
        return Problems.of(status, e.slug(), title, e.getMessage());
    }

    /** An absolute path ({@code /srv/data/images/x.vdi}) becomes its last element ({@code x.vdi}). */
    static String withoutHostPaths(String message) {
        return message == null ? "the storage engine failed" : HOST_PATH.matcher(message).replaceAll("$1");
    }

    private static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("No space left")) {
                return true;
            }
        }
        return false;
    }
}
