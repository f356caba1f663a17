package dev.diskfleet.provisioning.fleet;

/**
 * Hears of each fleet member as soon as its rows are written, inside the batch's transaction. Production
 * registers no bean of this type and uses {@link #NONE}; tests register one that throws, to cut a
 * deployment short at a chosen member and prove that a failure halfway leaves nothing behind.
 */
@FunctionalInterface
public interface FleetMemberHook {

    FleetMemberHook NONE = (made, total) -> { };

    /** Called after member {@code made} of {@code total} is written (row, attachment, disk); may throw. */
    void memberWritten(int made, int total);
}
