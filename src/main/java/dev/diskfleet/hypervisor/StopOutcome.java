package dev.diskfleet.hypervisor;

/** How a stop ended. */
public enum StopOutcome {
    /** The guest powered itself off when asked to (it honoured the ACPI power button). */
    GUEST_POWERED_OFF,
    /** The guest ignored the power button until the timeout; it was powered off hard. */
    HARD_AFTER_TIMEOUT,
    /** Powered off hard at once, as asked. */
    HARD,
    /** There was no running guest to stop. */
    NOT_RUNNING
}
