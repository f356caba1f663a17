package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts requests without a token that were refused (401) per client address in fixed windows
 * ({@code diskfleet.security.anonymous-limit} per {@code diskfleet.security.anonymous-window}, 60 per
 * minute): past the limit, that address's requests without a token are answered 429 until the window ends,
 * before any work is done for them. A client that sends its token is not slowed by this; the console's own
 * files, which need none, are refused only to an address over its limit. Memory stays bounded: windows
 * that ended are dropped as the table grows.
 */
@Component
class AnonymousRefusalLimiter {

    private static final int SWEEP_ABOVE = 10_000;

    private record Window(long startMillis, int refusals) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final long windowMillis;
    private final Clock clock;

    @Autowired
    AnonymousRefusalLimiter(@Value("${diskfleet.security.anonymous-limit:60}") int limit,
            @Value("${diskfleet.security.anonymous-window:1m}") Duration window) {
        this(limit, window, Clock.systemUTC());
    }

    AnonymousRefusalLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    void recordRefusal(String address) {
        long now = clock.millis();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
        }
        windows.compute(address, (a, w) -> w == null || now - w.startMillis() >= windowMillis
                ? new Window(now, 1) : new Window(w.startMillis(), w.refusals() + 1));
    }

    /** Zero when the address may send requests without a token; otherwise how long until its window ends. */
    Duration blockedFor(String address) {
        Window w = windows.get(address);
        if (w == null || w.refusals() < limit) {
            return Duration.ZERO;
        }
        long left = w.startMillis() + windowMillis - clock.millis();
        return left <= 0 ? Duration.ZERO : Duration.ofMillis(Math.max(left, 1000));
    }
}
