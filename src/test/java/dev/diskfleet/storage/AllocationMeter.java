package dev.diskfleet.storage;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * Heap bytes the current thread allocates while running a step (HotSpot's per-thread counter): how a test
 * shows that a crafted header did not make the driver allocate what it claims, without a forked JVM.
 */
public final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    public record Measured<T>(T result, RuntimeException failure, long allocatedBytes) {
    }

    /** Runs {@code step}, catching a runtime exception as its outcome, and counts what it allocated. */
    public static <T> Measured<T> measure(Supplier<T> step) {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        T result = null;
        RuntimeException failure = null;
        try {
            result = step.get();
        } catch (RuntimeException e) {
            failure = e;
        }
        return new Measured<>(result, failure, THREADS.getThreadAllocatedBytes(id) - before);
    }
}
