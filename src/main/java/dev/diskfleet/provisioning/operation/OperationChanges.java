package dev.diskfleet.provisioning.operation;

import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Wakes long polls when an operation row of this process commits a change, so a client waiting for a
 * clone hears of its end at once rather than at the next poll (a 50 ms poll added 25 ms on average to
 * every awaited operation: 3% of a one-second clone). Waiters still re-read the row themselves; this only
 * says when it is worth reading again.
 */
@Component
public class OperationChanges {

    private long generation;

    /** Called after a change of any operation row has committed. */
    public synchronized void committed() {
        generation++;
        notifyAll();
    }

    /** The current generation: read it before reading a row, then wait for a change after it. */
    public synchronized long generation() {
        return generation;
    }

    /** Returns when a change committed after {@code seen}, or after {@code atMost}. */
    public synchronized void awaitChangeAfter(long seen, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (generation == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
