package dev.diskfleet.fleet;

/** A power action applied to every machine of a fleet. */
public enum FleetPowerAction {
    START,
    STOP,
    /** Stop (if running) then start: autoReset disks come back empty. */
    RESET
}
