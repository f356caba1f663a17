package dev.diskfleet.provisioning;

/**
 * A seam for tests that cut fleet provisioning short at a chosen point, to prove a failure halfway
 * leaves nothing behind. Production has no bean of this type and uses {@link #NONE}.
 */
public interface FleetFaultInjector {

    FleetFaultInjector NONE = (made, total) -> { };

    /** Called after machine {@code made} of {@code total} is fully made (row, attachment, disk). */
    void afterMachine(int made, int total);
}
