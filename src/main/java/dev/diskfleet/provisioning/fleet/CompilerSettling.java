package dev.diskfleet.provisioning.fleet;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Runs a rehearsal again, each time once the JIT compilers have gone idle, until a round leaves them little to
 * do. Code that C2 compiled from a profile meets, in later rounds, cases the profile did not show (H2's
 * {@code MVMap.operate} storing a key into a key array of another type than the one it saw, for one): it traps
 * back to slower code and is compiled again, at 0.2 to 0.9 s of a compiler thread each time. Rounds run after
 * the compilers went idle meet those cases while the service starts instead of while its first fleet runs.
 * Stops after the first round that cost the compilers less than {@code quietMillis} (the compiling it set off
 * included), or after {@code maxRounds}; runs no round where the JVM does not report its compile time.
 */
final class CompilerSettling {

    /** How often, and how many times at most, the compilers' total time is read while waiting for it to stop. */
    static final long POLL_MILLIS = 50;
    static final int MAX_POLLS = 20;

    /** The compilers' total time in ms so far, or null when the JVM does not say. */
    private final LongSupplier compileMillis;
    private final Pause pause;
    private final int maxRounds;
    private final long quietMillis;

    CompilerSettling(LongSupplier compileMillis, Pause pause, int maxRounds, long quietMillis) {
        this.compileMillis = compileMillis;
        this.pause = pause;
        this.maxRounds = maxRounds;
        this.quietMillis = quietMillis;
    }

    static CompilerSettling ofThisJvm(int maxRounds, long quietMillis) {
        CompilationMXBean compilers = ManagementFactory.getCompilationMXBean();
        boolean reported = compilers != null && compilers.isCompilationTimeMonitoringSupported();
        return new CompilerSettling(reported ? compilers::getTotalCompilationTime : null, Thread::sleep, maxRounds,
                quietMillis);
    }

    /** Runs {@code round} (given its number, from 0) until one is quiet; returns how many ran. */
    int run(IntConsumer round) throws InterruptedException {
        if (compileMillis == null) {
            return 0;
        }
        int rounds = 0;
        while (rounds < maxRounds) {
            long before = idle();
            round.accept(rounds++);
            if (idle() - before < quietMillis) {
                break;
            }
        }
        return rounds;
    }

    /** Waits until the compilers' total time stops growing for one poll (at most about a second); returns it. */
    private long idle() throws InterruptedException {
        long total = compileMillis.getAsLong();
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            pause.sleep(POLL_MILLIS);
            long now = compileMillis.getAsLong();
            if (now == total) {
                break;
            }
            total = now;
        }
        return total;
    }

    /** Waiting, apart so that a test need not wait. */
    interface Pause {
        void sleep(long millis) throws InterruptedException;
    }
}
