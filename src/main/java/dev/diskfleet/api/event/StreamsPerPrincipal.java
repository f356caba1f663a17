package dev.diskfleet.api.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many event streams each caller holds, at most {@code diskfleet.events.max-streams-per-principal}:
 * the service's own cap ({@code max-connections}) is shared, so without this one caller could take every
 * stream and lock the others (an admin among them) out. A caller is its authentication's name
 * ({@code token:<id>}, {@code jwt:<sub>}, {@code bootstrap-admin}).
 */
final class StreamsPerPrincipal {

    /** One open stream's place; released once, however many of its ends report it. */
    static final class Slot {

        private final StreamsPerPrincipal owner;
        private final String principal;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(StreamsPerPrincipal owner, String principal) {
            this.owner = owner;
            this.principal = principal;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                owner.counts.computeIfPresent(principal, (p, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final int limit;

    StreamsPerPrincipal(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** A slot for one more stream of this caller, or null when it already holds {@link #limit()}. */
    Slot tryOpen(String principal) {
        boolean[] opened = new boolean[1];
        counts.compute(principal, (p, n) -> {
            int held = n == null ? 0 : n;
            opened[0] = held < limit;
            return opened[0] ? held + 1 : held;
        });
        return opened[0] ? new Slot(this, principal) : null;
    }
}
