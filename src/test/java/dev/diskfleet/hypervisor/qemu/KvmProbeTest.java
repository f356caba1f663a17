package dev.diskfleet.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The KVM probe's kernel, judged by QEMU itself under TCG (which emulates every instruction, so it runs
 * anywhere): it boots, returns through its {@code iret} and ends QEMU with the exit code the probe takes
 * for success. Whether KVM then passes is the host's business; this shows the probe can pass at all, so a
 * host whose KVM fails it fails on KVM, not on the probe.
 */
class KvmProbeTest {

    @Test
    void theProbeKernelRunsToItsDebugExitUnderTcg() throws Exception {
        QemuTools.require(QemuHost.BINARY_NAME);
        Path kernel = Files.createTempFile("kvm-probe-test", ".bin");
        try {
            Files.write(kernel, KvmProbe.kernel());
            List<String> command = new ArrayList<>(List.of(QemuHost.BINARY_NAME, "-accel", "tcg", "-machine", "pc",
                    "-m", "16", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "none", "-monitor",
                    "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel",
                    kernel.toString()));
            Process qemu = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(qemu.waitFor(30, TimeUnit.SECONDS)).as("QEMU ends by itself").isTrue();
            assertThat(qemu.exitValue()).isEqualTo(KvmProbe.EXPECTED_EXIT);
        } finally {
            Files.deleteIfExists(kernel);
        }
    }

    @Test
    void aProbeThatIsKilledOrEndsOtherwiseMeansNoKvm() {
        Path qemu = Path.of(QemuHost.BINARY_NAME);
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> -1)).as("killed after its time").isFalse();
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> 0)).as("a clean exit without the port").isFalse();
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> KvmProbe.EXPECTED_EXIT)).isTrue();
    }
}
