package dev.diskfleet.domain.machine;

/** A machine's power state (VirtualBox's {@code MachineState}, reduced to the two Diskfleet models). */
public enum MachineState {
    POWERED_OFF,
    RUNNING;

    /** The API spelling: {@code poweredOff}, {@code running}. */
    public String apiName() {
        return this == POWERED_OFF ? "poweredOff" : "running";
    }

    /** The state spelt {@code apiName}; anything but {@code running} is powered off (validation ran first). */
    public static MachineState fromApiName(String apiName) {
        return "running".equals(apiName) ? RUNNING : POWERED_OFF;
    }
}
