package dev.diskfleet.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The suite's one way to wait for something another process does (a guest booting, a service starting, a
 * log rotating): ask again every few hundred milliseconds until the answer is the one wanted, and fail
 * with what was awaited and the last answer seen once the time is up. Work the test itself schedules is
 * awaited with latches or futures, not with this.
 */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {
    }

    /** Waits until {@code condition} holds; an AssertionError naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Asks {@code probe} until its answer passes {@code done} and returns that answer; after {@code timeout}
     * an AssertionError naming {@code what} and the last answer. A probe that throws has not answered yet.
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastFailure = null;
        while (true) {
            try {
                last = probe.get();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException | AssertionError notYet) {
                lastFailure = notYet instanceof RuntimeException runtime ? runtime : new IllegalStateException(notYet);
            }
            if (System.nanoTime() > deadline) {
                AssertionError timedOut = new AssertionError("waited " + timeout + " for " + what
                        + "; the last answer was " + (lastFailure != null ? lastFailure : last));
                if (lastFailure != null) {
                    timedOut.initCause(lastFailure);
                }
                throw timedOut;
            }
            pause(INTERVAL);
        }
    }

    /** A pause between two looks; an interrupt ends the test. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
