package dev.diskfleet.storage;

import java.util.List;

/**
 * Where a simulated crash strikes: before the Nth call that changes an image file (write, allocate,
 * markZero, discardAll, relinkParent, reidentify, flush). Every earlier call has completed and its bytes
 * are in the files, which is what a kill -9 leaves: the page cache survives the process. The steps inside
 * one call (a VDI allocation's data, map entry and counter) are covered by {@link VdiCrashSafetyTest}.
 */
final class CrashPoints {

    /** Thrown in place of the call a crash interrupts. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String step) {
            super("simulated crash before " + step);
        }
    }

    private final int crashAt;
    private int steps;

    private CrashPoints(int crashAt) {
        this.crashAt = crashAt;
    }

    /** Counts the steps of a run that is not interrupted. */
    static CrashPoints counting() {
        return new CrashPoints(0);
    }

    /** Crashes before step {@code n} (1-based). */
    static CrashPoints before(int n) {
        return new CrashPoints(n);
    }

    synchronized void step(String what) {
        steps++;
        if (steps == crashAt) {
            throw new SimulatedCrash(what + " (step " + steps + ")");
        }
    }

    private int flushes;

    /** Counts a flush that completed (the crash came later). */
    synchronized void flushed() {
        flushes++;
    }

    synchronized int flushesCompleted() {
        return flushes;
    }

    synchronized int steps() {
        return steps;
    }

    /** A store over the installed drivers, each wrapped so that its files count their changes here. */
    ImageStore store(java.nio.file.Path root) {
        List<ImageFormat> formats = ImageFormats.installed().stream()
                .<ImageFormat>map(format -> new CrashingFormat(format, this)).toList();
        return new ImageStore(root, formats);
    }
}
