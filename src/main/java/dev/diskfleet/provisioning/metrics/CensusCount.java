package dev.diskfleet.provisioning.metrics;

import java.util.Map;
import java.util.UUID;

/**
 * One count of everything the gauges show, taken at one moment. Keys of the maps are tag values joined
 * with '/' (type/state for images, kind/state for operations).
 */
record CensusCount(Map<String, Long> images, Map<String, Long> machines, Map<String, Long> fleets,
        Map<String, Long> operations, long differencingBytes, long differencingSavedBytes, long storageFreeBytes) {

    long count(Map<String, Long> counts, String key) {
        return counts.getOrDefault(key, 0L);
    }

    /** What a differencing disk saves: the bytes of every image below it, which a full copy would repeat. */
    static long savedBy(UUID image, Map<UUID, UUID> parents, Map<UUID, Long> allocated) {
        long saved = 0;
        UUID parent = parents.get(image);
        for (int depth = 0; parent != null && depth < 64; depth++) {
            saved += allocated.getOrDefault(parent, 0L);
            parent = parents.get(parent);
        }
        return saved;
    }
}
