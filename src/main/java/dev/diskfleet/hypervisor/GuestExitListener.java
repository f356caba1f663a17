package dev.diskfleet.hypervisor;

/** Learns that a guest stopped running. Must not block for long: it runs on the driver's watcher thread. */
@FunctionalInterface
public interface GuestExitListener {

    void guestExited(GuestExit exit);
}
