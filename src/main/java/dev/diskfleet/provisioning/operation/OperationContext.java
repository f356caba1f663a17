package dev.diskfleet.provisioning.operation;

import java.util.UUID;

/** What running work may tell its operation. */
public interface OperationContext {

    UUID operationId();

    /** Reports progress 0–100; cheap to call often (writes are throttled). */
    void progress(int percent);

    /** Stores an interim result document (for example per-machine progress). */
    void result(Object result);
}
