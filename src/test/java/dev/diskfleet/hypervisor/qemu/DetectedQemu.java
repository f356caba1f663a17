package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.support.TestGuest;

/** The host's QEMU, detected once per test JVM: the KVM probe takes seconds where KVM does not work. */
final class DetectedQemu {

    private static QemuHost host;

    private DetectedQemu() {
    }

    /** Skips locally, fails under {@code CI=true}, when QEMU is missing. */
    static synchronized QemuHost host() {
        TestGuest.requireQemu();
        if (host == null) {
            host = QemuHost.detect(QemuHost.findOnPath().orElseThrow());
        }
        return host;
    }
}
