package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts rejected tokens per client address in fixed windows ({@code diskfleet.security.failed-auth-limit}
 * per {@code diskfleet.security.failed-auth-window}, 20 per minute): past the limit, that address's
 * requests with a token are answered 429 until the window ends, which makes guessing secrets slower still.
 * Memory stays bounded: windows that ended are dropped as the table grows.
 */
@Component
class FailedAuthenticationLimiter {

    private static final int SWEEP_ABOVE = 10_000;

    private record Window(long startMillis, int failures) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final Duration window;
    private final Clock clock;

    @Autowired
    FailedAuthenticationLimiter(@Value("${diskfleet.security.failed-auth-limit:20}") int limit,
            @Value("${diskfleet.security.failed-auth-window:1m}") Duration window) {
        this(limit, window, Clock.systemUTC());
    }

    FailedAuthenticationLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    void recordFailure(String address) {
        long now = clock.millis();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis() >= window.toMillis());
        }
        windows.compute(address, (a, w) -> w == null || now - w.startMillis() >= window.toMillis()
                ? new Window(now, 1) : new Window(w.startMillis(), w.failures() + 1));
    }

    /** Zero when the address may try; otherwise how long until its window ends (at least a second). */
    Duration blockedFor(String address) {
        Window w = windows.get(address);
        if (w == null || w.failures() < limit) {
            return Duration.ZERO;
        }
        long left = w.startMillis() + window.toMillis() - clock.millis();
        return left <= 0 ? Duration.ZERO : Duration.ofMillis(Math.max(left, 1000));
    }
}
