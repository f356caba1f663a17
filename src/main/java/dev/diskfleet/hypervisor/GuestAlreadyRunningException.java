package dev.diskfleet.hypervisor;

import java.util.UUID;

/** A start was asked for a machine whose guest runs already. */
public class GuestAlreadyRunningException extends HypervisorException {

    public GuestAlreadyRunningException(UUID machineId) {
        super("the guest of machine " + machineId + " is running already");
    }
}
