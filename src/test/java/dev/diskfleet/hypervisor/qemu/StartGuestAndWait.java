package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.GuestSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A stand-in for the service in its own JVM: starts one diskless guest, says so, and waits to be killed.
 * Arguments: QEMU binary, QEMU version, accelerator, machine id, run directory.
 */
public final class StartGuestAndWait {

    static final String STARTED = "guest started";

    private StartGuestAndWait() {
    }

    public static void main(String[] args) throws InterruptedException {
        QemuHost host = new QemuHost(Path.of(args[0]), args[1], Accelerator.valueOf(args[2]));
        QemuHypervisor driver = new QemuHypervisor(host);
        driver.start(new GuestSpec(UUID.fromString(args[3]), "kill9", 1, 32, List.of(), Path.of(args[4])));
        System.out.println(STARTED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
