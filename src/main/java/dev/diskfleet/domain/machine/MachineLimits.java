package dev.diskfleet.domain.machine;

/** Hardware bounds, VirtualBox's (at most 64 virtual CPUs; 4 MiB to 2 TiB of guest memory). */
public final class MachineLimits {

    public static final int MAX_CPUS = 64;
    public static final int MIN_MEMORY_MB = 4;
    public static final int MAX_MEMORY_MB = 2 * 1024 * 1024;
    public static final int DEFAULT_CPUS = 1;
    public static final int DEFAULT_MEMORY_MB = 1024;

    private MachineLimits() {
    }
}
