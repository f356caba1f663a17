package dev.diskfleet;

import java.util.List;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM ({@code docker stop}, systemd, and {@code mvn spring-boot:run}, which answers
 * its own Ctrl-C by sending its child SIGTERM) are how the service is normally stopped. They shut it down as
 * usual (Spring's shutdown hook closes the context) and exit with 0, not the JVM's 130 or 143, which the
 * tools that started it report as a failure (Maven prints BUILD FAILURE).
 */
final class StopSignals {

    private StopSignals() {
    }

    static void exitNormallyOnStop() {
        for (String name : List.of("INT", "TERM")) {
            try {
                // System.exit runs the shutdown hooks, as the JVM's own handler does, with another status.
                // A second signal during shutdown calls it again, which waits for the first: still 0.
                Signal.handle(new Signal(name), signal -> System.exit(0));
            } catch (IllegalArgumentException notHere) {
                // The JVM does not offer this signal (or -Xrs reserved it): its default behaviour stays.
            }
        }
    }
}
