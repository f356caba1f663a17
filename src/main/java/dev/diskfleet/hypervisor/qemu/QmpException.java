package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.HypervisorException;

/** QMP could not be reached, or a command failed; for the latter, {@code errorClass} is QEMU's. */
final class QmpException extends HypervisorException {

    private final String errorClass;

    QmpException(String message, String errorClass) {
        super(message);
        this.errorClass = errorClass;
    }

    QmpException(String message, Throwable cause) {
        super(message, cause);
        this.errorClass = "";
    }

    String errorClass() {
        return errorClass;
    }
}
