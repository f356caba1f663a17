package dev.diskfleet.provisioning;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points between the steps of every change of rows and files, where the crash harness
 * ({@code dev.diskfleet.crash}) kills the service: started with {@code -Ddiskfleet.crash-point=<name>}
 * (or {@code <name>#<n>} for the n-th time the point is reached), the process halts there as kill -9
 * would, with no shutdown hook, no rollback and no finally block run. Armed with {@code *}, it halts
 * nowhere and prints every point it passes, so the harness learns which points a round reaches.
 *
 * <p>Points count in two phases, each armed by a property of its own: {@code diskfleet.crash-point} once
 * startup recovery is done, {@code diskfleet.crash-point.recovery} only while it runs (many of the steps
 * recovery takes pass the same points as the requests it finishes). The harness arms the next round's point
 * in the process that recovers from the last kill, and a point passed while recovering would both shift the
 * counts it learned from a clean start and halt the restart it needs to check that kill; a recovery point
 * kills recovery itself, so that the next start has to finish a recovery cut short.
 *
 * <p>Without the properties {@link #reach} returns at once and does nothing else: production behaviour
 * carries no trace of it.
 */
public final class CrashPoints {

    static final String PROPERTY = "diskfleet.crash-point";
    static final String RECOVERY_PROPERTY = "diskfleet.crash-point.recovery";
    private static final String LIST_ALL = "*";
    private static final int KILLED = 137;

    private static final Armed AFTER_RECOVERY = Armed.from(System.getProperty(PROPERTY), "");
    private static final Armed DURING_RECOVERY = Armed.from(System.getProperty(RECOVERY_PROPERTY), " IN RECOVERY");
    private static volatile boolean recovered;

    private CrashPoints() {
    }

    /** Called by startup recovery when it is done: from now on the points of {@link #PROPERTY} count. */
    public static void startupRecovered() {
        recovered = true;
    }

    /** Halts the JVM if this is the armed point of the current phase (at its armed hit); otherwise does nothing. */
    public static void reach(String name) {
        Armed armed = recovered ? AFTER_RECOVERY : DURING_RECOVERY;
        if (armed != null) {
            armed.reach(name);
        }
    }

    /** One phase's armed point and its counts; {@code phase} tells the harness which phase printed a line. */
    private record Armed(String name, int hit, String phase, ConcurrentMap<String, AtomicInteger> hits) {

        static Armed from(String property, String phase) {
            if (property == null) {
                return null;
            }
            int hash = property.lastIndexOf('#');
            return new Armed(hash < 0 ? property : property.substring(0, hash),
                    hash < 0 ? 1 : Integer.parseInt(property.substring(hash + 1)), phase, new ConcurrentHashMap<>());
        }

        void reach(String point) {
            if (name.equals(LIST_ALL)) {
                System.err.println("CRASH POINT PASSED" + phase + ": " + point + "#" + count(point));
                return;
            }
            if (name.equals(point) && count(point) == hit) {
                // The harness reads this line to tell a kill at the point from a death of another cause.
                System.err.println("CRASH POINT REACHED" + phase + ": " + point + "#" + hit);
                System.err.flush();
                Runtime.getRuntime().halt(KILLED);
            }
        }

        private int count(String point) {
            return hits.computeIfAbsent(point, n -> new AtomicInteger()).incrementAndGet();
        }
    }
}
