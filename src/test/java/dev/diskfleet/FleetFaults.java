package dev.diskfleet;

import dev.diskfleet.provisioning.FleetFaultInjector;
import dev.diskfleet.storage.StorageException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestComponent;

/** The test context's fault injector: when armed, fails fleet provisioning after machine k as a full disk would. */
@TestComponent
public class FleetFaults implements FleetFaultInjector {

    private final AtomicInteger failAfter = new AtomicInteger(-1);

    public void failAfterMachine(int k) {
        failAfter.set(k);
    }

    public void disarm() {
        failAfter.set(-1);
    }

    @Override
    public void afterMachine(int made, int total) {
        if (made == failAfter.get()) {
            disarm();
            throw new StorageException("no space left on device (injected after machine " + made + " of " + total + ")");
        }
    }
}
