package dev.diskfleet.domain.fleet;

import dev.diskfleet.domain.ApiNames;

/** A power action applied to every machine of a fleet. */
public enum FleetPowerAction {
    START,
    STOP,
    /** Stop (if running) then start: autoReset disks come back empty. */
    RESET;

    /** {@code start}, {@code stop}, {@code reset}: as the API and messages spell it. */
    public String apiName() {
        return ApiNames.of(this);
    }
}
