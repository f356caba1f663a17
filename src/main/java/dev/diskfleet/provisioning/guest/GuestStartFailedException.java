package dev.diskfleet.provisioning.guest;

/**
 * The hypervisor could not start a machine's guest (QEMU refused its command line or a disk, or did not
 * come up); the machine is powered off again with the reason as its last exit. A server-side failure, not a
 * rule of the domain.
 */
public class GuestStartFailedException extends RuntimeException {

    public GuestStartFailedException(String machineLabel, Throwable cause) {
        super("the guest of machine " + machineLabel + " could not be started: " + cause.getMessage(), cause);
    }
}
