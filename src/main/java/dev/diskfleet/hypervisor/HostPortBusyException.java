package dev.diskfleet.hypervisor;

/**
 * A guest could not start because another process listens on the host port one of its forwards needs.
 * Nothing of the guest is left running.
 */
public class HostPortBusyException extends HypervisorException {

    private final GuestNetwork.Forward forward;

    public HostPortBusyException(GuestNetwork.Forward forward, Throwable cause) {
        super("host port " + forward.hostPort() + "/" + forward.protocol().spelling() + " on " + forward.hostAddress()
                + " (forwarded to guest port " + forward.guestPort() + ") is held by another process", cause);
        this.forward = forward;
    }

    public GuestNetwork.Forward forward() {
        return forward;
    }
}
