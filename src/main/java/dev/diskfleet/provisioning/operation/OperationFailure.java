package dev.diskfleet.provisioning.operation;

/**
 * Thrown by work that failed after doing part of its job, carrying what the client should see of the
 * partial result (for example which machines were rolled back).
 */
public class OperationFailure extends RuntimeException {

    private final transient Object result;

    public OperationFailure(RuntimeException cause, Object result) {
        super(cause.getMessage(), cause);
        this.result = result;
    }

    public Object result() {
        return result;
    }
}
