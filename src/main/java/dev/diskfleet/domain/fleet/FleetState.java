package dev.diskfleet.domain.fleet;

/** Where a fleet is in its life; anything but READY means an operation is changing it. */
public enum FleetState {
    /** Its base clone and machines are being made; a failure removes the fleet entirely. */
    PROVISIONING,
    READY,
    /** Machines are being added or removed. */
    SCALING,
    /** Its machines, their disks and its base are being removed. */
    DELETING
}
