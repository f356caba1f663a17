package dev.diskfleet.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.diskfleet.support.QemuTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> new KvmProbe.Run(-1, ""))).as("killed after its time")
                .isFalse();
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> new KvmProbe.Run(0, ""))).as("a clean exit without"
                + " the port").isFalse();
        assertThat(KvmProbe.passes(qemu, 3, (command, seconds) -> new KvmProbe.Run(KvmProbe.EXPECTED_EXIT, ""))).isTrue();
    }

    @Test
    void aFailedProbeSaysWhyWithWhatQemuPrinted() {
        Path qemu = Path.of(QemuHost.BINARY_NAME);
        assertThat(KvmProbe.failure(qemu, 3, (command, seconds) -> new KvmProbe.Run(-1, ""))).get(STRING)
                .contains("did not finish within 3 s");
        assertThat(KvmProbe.failure(qemu, 3, (command, seconds) -> new KvmProbe.Run(1,
                "qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission denied\n"))).get(STRING)
                .contains("exit code 1, not 33").contains("QEMU said: qemu-system-x86_64: -accel kvm: failed to"
                        + " initialize kvm: Permission denied");
    }

    @Test
    void kvmIsRefusedWithTheReasonWhenTheDeviceIsMissingOrCannotBeOpened(@TempDir Path dir) {
        Function<Path, Optional<String>> passingProbe = device -> Optional.empty();
        assertThat(QemuHost.kvmRefusal(dir.resolve("kvm"), passingProbe)).get(STRING)
                .startsWith(dir.resolve("kvm") + " does not exist");
        assertThat(QemuHost.kvmRefusal(dir, passingProbe)).get(STRING)
                .startsWith("cannot open " + dir + " for reading and writing: ").contains("Is a directory");
        assertThat(QemuHost.kvmRefusal(dir, device -> Optional.of("the probe failed"))).get(STRING)
                .doesNotContain("probe");
    }

    @Test
    void kvmIsRefusedWithTheProbesReasonWhenTheDeviceOpensButTheProbeFails(@TempDir Path dir) throws Exception {
        Path device = Files.createFile(dir.resolve("kvm"));
        assertThat(QemuHost.kvmRefusal(device, opened -> Optional.of("the probe failed"))).contains("the probe failed");
        assertThat(QemuHost.kvmRefusal(device, opened -> Optional.empty())).isEmpty();
    }
}
