package dev.diskfleet.hypervisor;

/** Why a guest stopped running. */
public enum ExitReason {
    /** The guest's operating system powered the machine off. */
    GUEST_POWERED_OFF,
    /** The guest rebooted; guests run with reboots turned into exits, so a reboot ends the run. */
    GUEST_REBOOTED,
    /** This service stopped it ({@link Hypervisor#stop} or {@link Hypervisor#forceStop}). */
    STOPPED_BY_HOST,
    /** Anything else: the hypervisor process died or was killed, or the guest panicked. */
    ABNORMAL;

    public boolean abnormal() {
        return this == ABNORMAL;
    }
}
