package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts events per key in fixed windows, and says how long a key that reached its limit stays over it: the
 * arithmetic the request limiters share. Memory stays bounded: windows that ended are dropped as the table
 * grows.
 */
final class FixedWindowCounter {

    private static final int SWEEP_ABOVE = 10_000;

    private record Window(long startMillis, int count) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final long windowMillis;
    private final Clock clock;

    FixedWindowCounter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    void count(String key) {
        long now = clock.millis();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
        }
        windows.compute(key, (k, w) -> w == null || now - w.startMillis() >= windowMillis
                ? new Window(now, 1) : new Window(w.startMillis(), w.count() + 1));
    }

    /** Zero while the key is under its limit; otherwise how long until its window ends (at least a second). */
    Duration blockedFor(String key) {
        Window w = windows.get(key);
        if (w == null || w.count() < limit) {
            return Duration.ZERO;
        }
        long left = w.startMillis() + windowMillis - clock.millis();
        return left <= 0 ? Duration.ZERO : Duration.ofMillis(Math.max(left, 1000));
    }
}
