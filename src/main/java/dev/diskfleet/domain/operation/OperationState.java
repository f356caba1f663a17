package dev.diskfleet.domain.operation;

public enum OperationState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
