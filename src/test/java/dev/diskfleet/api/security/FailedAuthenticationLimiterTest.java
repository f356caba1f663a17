package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedAuthenticationLimiterTest {

    private final MovableClock clock = new MovableClock();
    private final FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(3, Duration.ofMinutes(1), clock);

    @Test
    void anAddressIsBlockedAfterTheLimitUntilItsWindowEnds() {
        limiter.recordFailure("10.0.0.1");
        limiter.recordFailure("10.0.0.1");
        assertThat(limiter.blockedFor("10.0.0.1")).isZero();
        limiter.recordFailure("10.0.0.1");

        assertThat(limiter.blockedFor("10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
        assertThat(limiter.blockedFor("10.0.0.2")).as("other addresses are not affected").isZero();
        clock.advance(Duration.ofSeconds(45));
        assertThat(limiter.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(limiter.blockedFor("10.0.0.1")).isZero();
    }

    @Test
    void failuresSpreadOverWindowsDoNotAddUp() {
        limiter.recordFailure("10.0.0.1");
        limiter.recordFailure("10.0.0.1");
        clock.advance(Duration.ofSeconds(61));
        limiter.recordFailure("10.0.0.1");
        limiter.recordFailure("10.0.0.1");
        assertThat(limiter.blockedFor("10.0.0.1")).isZero();
    }

    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-01-15T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
