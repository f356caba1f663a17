package dev.diskfleet.nbd;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the connections held in total and per client, and admits a new one only within both caps of
 * {@link ConnectionLimits}: one client (an address, a user id) cannot take every slot.
 */
final class Admission {

    private final ConnectionLimits limits;
    private final Map<Object, Integer> perClient = new HashMap<>();
    private int total;

    Admission(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** Takes a slot for {@code client}; false (nothing taken) when a cap is reached. */
    synchronized boolean admit(Object client) {
        int held = perClient.getOrDefault(client, 0);
        if (total >= limits.maxConnections() || held >= limits.maxConnectionsPerClient()) {
            return false;
        }
        perClient.put(client, held + 1);
        total++;
        return true;
    }

    synchronized void release(Object client) {
        perClient.computeIfPresent(client, (key, held) -> held == 1 ? null : held - 1);
        total--;
    }

    synchronized int total() {
        return total;
    }
}
