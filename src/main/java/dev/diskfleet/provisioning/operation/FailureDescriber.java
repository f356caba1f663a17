package dev.diskfleet.provisioning.operation;

/**
 * Turns the exception that ended an operation into the error its row keeps. The HTTP layer implements it
 * with its one problem mapping, so a failed operation reports exactly what a failed request would.
 */
public interface FailureDescriber {

    OperationError describe(Throwable failure);

    /** An operation's error: status, problem type URI, title and detail, as RFC 9457 names them. */
    record OperationError(int status, String type, String title, String detail) {
    }
}
