package dev.diskfleet.hypervisor;

/** What a guest is doing, as its hypervisor sees it. */
public enum GuestState {
    RUNNING,
    /** The process exists but the virtual CPUs are stopped (being started, or paused by someone). */
    PAUSED,
    STOPPED
}
