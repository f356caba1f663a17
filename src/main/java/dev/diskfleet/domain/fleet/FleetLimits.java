package dev.diskfleet.domain.fleet;

/** Bounds on fleet requests, shared by the request records' validation. */
public final class FleetLimits {

    public static final int MAX_SIZE = 1000;
    public static final String PREFIX_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    public static final String PREFIX_MESSAGE = "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private FleetLimits() {
    }
}
