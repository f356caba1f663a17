package dev.diskfleet.provisioning.operation;

import java.util.UUID;

/** What running work may tell its operation. */
public interface OperationContext {

    UUID operationId();

    /** Reports progress 0–100; cheap to call often (writes are throttled). */
    void progress(int percent);

    /**
     * Keeps an interim result (for example per-machine progress), stored as the operation's result document if
     * the work ends without one of its own. An immutable value: it is written as JSON only when needed.
     */
    void result(Object result);

    /**
     * Stores progress and the result document as they stand, at once (not throttled), so that a client
     * reading the operation sees them: for work with few, slow steps, such as one per fleet member.
     */
    void report(int percent, Object result);
}
