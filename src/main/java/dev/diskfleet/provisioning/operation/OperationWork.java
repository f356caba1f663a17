package dev.diskfleet.provisioning.operation;

/** The body of an operation; runs on a worker thread, reports progress through its context. */
@FunctionalInterface
public interface OperationWork {

    OperationOutcome run(OperationContext context) throws Exception;
}
