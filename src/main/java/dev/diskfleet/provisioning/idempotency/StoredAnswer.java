package dev.diskfleet.provisioning.idempotency;

/**
 * What the idempotency store holds for a key: the request it belongs to and, once completed, the
 * answer to replay. {@code bodySha256} is null while the request is still in progress.
 */
public record StoredAnswer(
        String key,
        String method,
        String requestTarget,
        boolean completed,
        String bodySha256,
        int status,
        String location,
        String etag,
        String contentType,
        String body) {
}
