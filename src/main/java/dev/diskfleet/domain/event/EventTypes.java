package dev.diskfleet.domain.event;

/**
 * The event types clients see in the stream's {@code event:} field. Rows give
 * {@code <kind>.created|changed|deleted} for kind image, machine, fleet, attachment and snapshot.
 */
public final class EventTypes {

    public static final String MACHINE_STATE = "machine.state";
    public static final String OPERATION_PROGRESS = "operation.progress";
    public static final String OPERATION_FINISHED = "operation.finished";
    /** Guest console lines: sent live to the one client that asked, never stored. */
    public static final String CONSOLE = "console";

    private EventTypes() {
    }

    public static String created(String kind) {
        return kind + ".created";
    }

    public static String changed(String kind) {
        return kind + ".changed";
    }

    public static String deleted(String kind) {
        return kind + ".deleted";
    }
}
