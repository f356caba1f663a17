package dev.diskfleet.api.security;

import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts requests without a token that were refused (401) per client address in fixed windows
 * ({@code diskfleet.security.anonymous-limit} per {@code diskfleet.security.anonymous-window}, 60 per
 * minute): past the limit, that address's requests without a token are answered 429 until the window ends,
 * before any work is done for them. A client that sends its token is not slowed by this; the console's own
 * files, which need none, are refused only to an address over its limit.
 */
@Component
class AnonymousRefusalLimiter {

    private final FixedWindowCounter refusals;

    @Autowired
    AnonymousRefusalLimiter(@Value("${diskfleet.security.anonymous-limit:60}") int limit,
            @Value("${diskfleet.security.anonymous-window:1m}") Duration window) {
        this(limit, window, Clock.systemUTC());
    }

    AnonymousRefusalLimiter(int limit, Duration window, Clock clock) {
        this.refusals = new FixedWindowCounter(limit, window, clock);
    }

    void recordRefusal(String address) {
        refusals.count(address);
    }

    /** Zero when the address may send requests without a token; otherwise how long until its window ends. */
    Duration blockedFor(String address) {
        return refusals.blockedFor(address);
    }
}
