package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts rejected tokens in fixed windows ({@code diskfleet.security.failed-auth-limit} per
 * {@code diskfleet.security.failed-auth-window}, 20 per minute), both per client address and per token id
 * the rejected secret claimed ({@code dft_<id>_...}): guessing one token's secret from many addresses is
 * limited as well as guessing from one address. Past a limit, further rejected tokens from that address or
 * for that id are answered 429 until the window ends. Only rejected tokens are ever refused: a valid token
 * is accepted from a blocked address, so failures cannot lock a real caller out. Memory stays bounded:
 * windows that ended are dropped as the table grows.
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

    /** A token was rejected: counts against the address and, if the token named one, its token id. */
    void recordFailure(String address, Optional<UUID> claimedTokenId) {
        long now = clock.millis();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis() >= window.toMillis());
        }
        count(addressKey(address), now);
        claimedTokenId.ifPresent(id -> count(tokenKey(id), now));
    }

    /**
     * Zero when a rejected token from this address, claiming this id, is still answered 401; otherwise how
     * long until the later of the two windows over its limit ends (at least a second).
     */
    Duration blockedFor(String address, Optional<UUID> claimedTokenId) {
        Duration byAddress = blockedFor(addressKey(address));
        Duration byToken = claimedTokenId.map(id -> blockedFor(tokenKey(id))).orElse(Duration.ZERO);
        return byAddress.compareTo(byToken) >= 0 ? byAddress : byToken;
    }

    private void count(String key, long now) {
        windows.compute(key, (k, w) -> w == null || now - w.startMillis() >= window.toMillis()
                ? new Window(now, 1) : new Window(w.startMillis(), w.failures() + 1));
    }

    private Duration blockedFor(String key) {
        Window w = windows.get(key);
        if (w == null || w.failures() < limit) {
            return Duration.ZERO;
        }
        long left = w.startMillis() + window.toMillis() - clock.millis();
        return left <= 0 ? Duration.ZERO : Duration.ofMillis(Math.max(left, 1000));
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static String tokenKey(UUID id) {
        return "token:" + id;
    }
}
