package dev.diskfleet.support;

import dev.diskfleet.provisioning.fleet.FleetMemberHook;
import dev.diskfleet.storage.StorageException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestComponent;

/** The test context's fault injector: when armed, fails fleet provisioning after machine k as a full disk would. */
@TestComponent
public class FleetFaults implements FleetMemberHook {

    private final AtomicInteger failAfter = new AtomicInteger(-1);
    private final AtomicInteger meddleAfter = new AtomicInteger(-1);
    private final AtomicReference<Runnable> meddle = new AtomicReference<>();

    public void failAfterMachine(int k) {
        failAfter.set(k);
    }

    /** Runs {@code action} (once) after machine {@code k}, as another client could at that moment. */
    public void meddleAfterMachine(int k, Runnable action) {
        failAfter.set(-1);
        meddle.set(action);
        meddleAfter.set(k);
    }

    public void disarm() {
        failAfter.set(-1);
        meddleAfter.set(-1);
        meddle.set(null);
    }

    @Override
    public void memberWritten(int made, int total) {
        if (made == meddleAfter.get()) {
            Runnable action = meddle.getAndSet(null);
            meddleAfter.set(-1);
            action.run();
        }
        if (made == failAfter.get()) {
            disarm();
            throw new StorageException("no space left on device (injected after machine " + made + " of " + total + ")");
        }
    }
}
