package dev.diskfleet.hypervisor;

/** A guest could not be started, stopped or reached. */
public class HypervisorException extends RuntimeException {

    public HypervisorException(String message) {
        super(message);
    }

    public HypervisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
