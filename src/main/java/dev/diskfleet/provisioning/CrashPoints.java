package dev.diskfleet.provisioning;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points between the steps of every change of rows and files, where the crash harness
 * ({@code dev.diskfleet.crash}) kills the service: started with {@code -Ddiskfleet.crash-point=<name>}
 * (or {@code <name>#<n>} for the n-th time the point is reached), the process halts there as kill -9
 * would, with no shutdown hook, no rollback and no finally block run. Armed with {@code *}, it halts
 * nowhere and prints every point it passes, so the harness learns which points a round reaches. Without the property
 * {@link #reach} returns at once and does nothing else: production behaviour carries no trace of it.
 */
public final class CrashPoints {

    static final String PROPERTY = "diskfleet.crash-point";
    private static final String LIST_ALL = "*";
    private static final int KILLED = 137;

    private static final String ARMED_NAME;
    private static final int ARMED_HIT;
    private static final ConcurrentMap<String, AtomicInteger> HITS = new ConcurrentHashMap<>();
    /**
     * Points count only once startup recovery is done: the harness arms the next round's point in the same
     * process that recovers from the last kill, and a point passed while recovering would both shift the
     * counts it learned from a clean start and halt the restart it needs to check that kill.
     */
    private static volatile boolean counting;

    static {
        String armed = System.getProperty(PROPERTY);
        int hash = armed == null ? -1 : armed.lastIndexOf('#');
        ARMED_NAME = hash < 0 ? armed : armed.substring(0, hash);
        ARMED_HIT = hash < 0 ? 1 : Integer.parseInt(armed.substring(hash + 1));
    }

    private CrashPoints() {
    }

    /** Called by startup recovery when it is done: from now on points count. */
    public static void startupRecovered() {
        counting = true;
    }

    /** Halts the JVM if this is the armed point (at its armed hit); otherwise does nothing. */
    public static void reach(String name) {
        if (ARMED_NAME == null || !counting) {
            return;
        }
        if (ARMED_NAME.equals(LIST_ALL)) {
            int passed = HITS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            System.err.println("CRASH POINT PASSED: " + name + "#" + passed);
            return;
        }
        if (!ARMED_NAME.equals(name)) {
            return;
        }
        int hit = HITS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        if (hit == ARMED_HIT) {
            // The harness reads this line to tell a kill at the point from a death of another cause.
            System.err.println("CRASH POINT REACHED: " + name + "#" + hit);
            System.err.flush();
            Runtime.getRuntime().halt(KILLED);
        }
    }
}
