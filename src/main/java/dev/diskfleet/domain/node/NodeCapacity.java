package dev.diskfleet.domain.node;

/**
 * What a node offers guests, as measured at a heartbeat.
 *
 * @param freeGuestMemoryBytes what {@code diskfleet.node.max-guest-memory-mb} leaves after the guests that run
 */
public record NodeCapacity(int cpus, long memoryBytes, long freeGuestMemoryBytes, long freeDiskBytes,
        int runningGuests) {
}
