package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts rejected tokens in fixed windows ({@code diskfleet.security.failed-auth-limit} per
 * {@code diskfleet.security.failed-auth-window}, 20 per minute), both per client address and per token id
 * the rejected secret claimed ({@code dft_<id>_...}): guessing one token's secret from many addresses is
 * limited as well as guessing from one address. Past a limit, further rejected tokens from that address or
 * for that id are answered 429 until the window ends. Only rejected tokens are ever refused: a valid token
 * is accepted from a blocked address, so failures cannot lock a real caller out.
 */
@Component
class FailedAuthenticationLimiter {

    private final FixedWindowCounter failures;

    @Autowired
    FailedAuthenticationLimiter(@Value("${diskfleet.security.failed-auth-limit:20}") int limit,
            @Value("${diskfleet.security.failed-auth-window:1m}") Duration window) {
        this(limit, window, Clock.systemUTC());
    }

    FailedAuthenticationLimiter(int limit, Duration window, Clock clock) {
        this.failures = new FixedWindowCounter(limit, window, clock);
    }

    /** A token was rejected: counts against the address and, if the token named one, its token id. */
    void recordFailure(String address, Optional<UUID> claimedTokenId) {
        failures.count(addressKey(address));
        claimedTokenId.ifPresent(id -> failures.count(tokenKey(id)));
    }

    /**
     * Zero when a rejected token from this address, claiming this id, is still answered 401; otherwise how
     * long until the later of the two windows over its limit ends (at least a second).
     */
    Duration blockedFor(String address, Optional<UUID> claimedTokenId) {
        Duration byAddress = failures.blockedFor(addressKey(address));
        Duration byToken = claimedTokenId.map(id -> failures.blockedFor(tokenKey(id))).orElse(Duration.ZERO);
        return byAddress.compareTo(byToken) >= 0 ? byAddress : byToken;
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static String tokenKey(UUID id) {
        return "token:" + id;
    }
}
