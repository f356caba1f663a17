package dev.diskfleet.domain.node;

/**
 * What a node offers guests, as measured at a heartbeat.
 *
 * @param guestMemoryBytes what {@code diskfleet.node.max-guest-memory-mb} gives guests in all
 * @param freeGuestMemoryBytes what {@code diskfleet.node.max-guest-memory-mb} leaves after the guests that run
 */
public record NodeCapacity(int cpus, long memoryBytes, long guestMemoryBytes, long freeGuestMemoryBytes, long freeDiskBytes,
        int runningGuests) {
}
