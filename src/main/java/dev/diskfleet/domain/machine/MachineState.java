package dev.diskfleet.domain.machine;

/**
 * A machine's power state (VirtualBox's {@code MachineState}, reduced to what Diskfleet models): powered off,
 * running, or unknown, when the node that runs its guest was lost (no heartbeat within the node timeout) and
 * nobody can say whether the guest still runs.
 */
public enum MachineState {
    POWERED_OFF,
    RUNNING,
    UNKNOWN;

    /** The API spelling: {@code poweredOff}, {@code running}, {@code unknown}. */
    public String apiName() {
        return switch (this) {
            case POWERED_OFF -> "poweredOff";
            case RUNNING -> "running";
            case UNKNOWN -> "unknown";
        };
    }

    /** The state spelt {@code apiName}; anything else is powered off (validation ran first). */
    public static MachineState fromApiName(String apiName) {
        return switch (String.valueOf(apiName)) {
            case "running" -> RUNNING;
            case "unknown" -> UNKNOWN;
            default -> POWERED_OFF;
        };
    }
}
