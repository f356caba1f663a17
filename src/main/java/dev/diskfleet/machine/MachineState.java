package dev.diskfleet.machine;

/** A machine's power state (VirtualBox's {@code MachineState}, reduced to the two Diskfleet models). */
public enum MachineState {
    POWERED_OFF,
    RUNNING;

    /** The API spelling: {@code poweredOff}, {@code running}. */
    public String apiName() {
        return this == POWERED_OFF ? "poweredOff" : "running";
    }
}
