package dev.diskfleet.provisioning.operation;

import java.util.UUID;

/** What running work may tell its operation. */
public interface OperationContext {

    UUID operationId();

    /** Reports progress 0–100; cheap to call often (writes are throttled). */
    void progress(int percent);

    /** Stores an interim result document (for example per-machine progress). */
    void result(Object result);

    /**
     * Stores progress and the result document as they stand, at once (not throttled), so that a client
     * reading the operation sees them: for work with few, slow steps, such as one per fleet member.
     */
    void report(int percent, Object result);
}
