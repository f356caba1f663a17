package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FailedAuthenticationLimiterTest {

    private static final Optional<UUID> NONE = Optional.empty();

    private final MovableClock clock = new MovableClock();
    private final FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(3, Duration.ofMinutes(1), clock);

    @Test
    void anAddressIsBlockedAfterTheLimitUntilItsWindowEnds() {
        limiter.recordFailure("10.0.0.1", NONE);
        limiter.recordFailure("10.0.0.1", NONE);
        assertThat(limiter.blockedFor("10.0.0.1", NONE)).isZero();
        limiter.recordFailure("10.0.0.1", NONE);

        assertThat(limiter.blockedFor("10.0.0.1", NONE)).isEqualTo(Duration.ofMinutes(1));
        assertThat(limiter.blockedFor("10.0.0.2", NONE)).as("other addresses are not affected").isZero();
        clock.advance(Duration.ofSeconds(45));
        assertThat(limiter.blockedFor("10.0.0.1", NONE)).isEqualTo(Duration.ofSeconds(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(limiter.blockedFor("10.0.0.1", NONE)).isZero();
    }

    @Test
    void failuresSpreadOverWindowsDoNotAddUp() {
        limiter.recordFailure("10.0.0.1", NONE);
        limiter.recordFailure("10.0.0.1", NONE);
        clock.advance(Duration.ofSeconds(61));
        limiter.recordFailure("10.0.0.1", NONE);
        limiter.recordFailure("10.0.0.1", NONE);
        assertThat(limiter.blockedFor("10.0.0.1", NONE)).isZero();
    }

    @Test
    void failuresClaimingOneTokenIdAreCountedAcrossAddresses() {
        Optional<UUID> claimed = Optional.of(UUID.randomUUID());
        limiter.recordFailure("127.0.0.2", claimed);
        limiter.recordFailure("127.0.0.3", claimed);
        limiter.recordFailure("127.0.0.4", claimed);

        assertThat(limiter.blockedFor("127.0.0.5", claimed)).as("a fresh address claiming that id")
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(limiter.blockedFor("127.0.0.5", Optional.of(UUID.randomUUID()))).as("another id").isZero();
        assertThat(limiter.blockedFor("127.0.0.5", NONE)).as("no id").isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.blockedFor("127.0.0.5", claimed)).isZero();
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
