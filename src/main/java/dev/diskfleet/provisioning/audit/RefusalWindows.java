package dev.diskfleet.provisioning.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The open windows of refusals: per client address, principal and status, the audit entry that stands for
 * them and how many there were. A refusal in an open window is only counted here; the counts reach the
 * database in {@link #unwritten} batches, so a flood of refused requests writes one row per window and a
 * few updates, not one row each. Memory stays bounded: windows that ended and were written are dropped.
 */
final class RefusalWindows {

    private static final int SWEEP_ABOVE = 10_000;

    record Key(String address, String principal, int status) {
    }

    /** A count to write: the entry, its count now, when its last refusal came. */
    record Count(UUID entryId, int count, long lastMillis) {
    }

    private static final class Window {
        private final UUID entryId;
        private final long startMillis;
        private int count = 1;
        private int written = 1;
        private long lastMillis;

        private Window(UUID entryId, long startMillis) {
            this.entryId = entryId;
            this.startMillis = startMillis;
            this.lastMillis = startMillis;
        }
    }

    private final Map<Key, Window> open = new HashMap<>();
    /** The last counts of windows that ended before they were written. */
    private final List<Count> ended = new ArrayList<>();
    private final long windowMillis;
    private final Clock clock;

    RefusalWindows(Duration window, Clock clock) {
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /**
     * Counts a refusal in its open window and returns false; or, when no window is open for it, opens one with
     * the entry {@code newEntry} writes (which returns its id) and returns true.
     */
    synchronized boolean count(Key key, Supplier<UUID> newEntry) {
        long now = clock.millis();
        Window window = open.get(key);
        if (window != null && now - window.startMillis < windowMillis) {
            window.count++;
            window.lastMillis = now;
            return false;
        }
        if (window != null && window.count != window.written) {
            ended.add(new Count(window.entryId, window.count, window.lastMillis));
        }
        if (open.size() > SWEEP_ABOVE) {
            open.values().removeIf(w -> {
                boolean over = now - w.startMillis >= windowMillis;
                if (over && w.count != w.written) {
                    ended.add(new Count(w.entryId, w.count, w.lastMillis));
                }
                return over;
            });
        }
        open.put(key, new Window(newEntry.get(), now));
        return true;
    }

    /** The counts not yet written, marked written; windows that ended are forgotten. */
    synchronized List<Count> unwritten() {
        long now = clock.millis();
        List<Count> counts = new ArrayList<>(ended);
        ended.clear();
        for (Window window : open.values()) {
            if (window.count != window.written) {
                counts.add(new Count(window.entryId, window.count, window.lastMillis));
                window.written = window.count;
            }
        }
        open.values().removeIf(w -> now - w.startMillis >= windowMillis);
        return counts;
    }
}
