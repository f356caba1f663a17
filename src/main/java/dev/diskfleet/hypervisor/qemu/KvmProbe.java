package dev.diskfleet.hypervisor.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Whether KVM really runs guests here. Opening /dev/kvm and even booting the firmware under it prove
 * little: on a nested host without full hardware support (the 2-core VM this was written on) SeaBIOS
 * boots under KVM and exits cleanly, yet the first {@code iret} a boot loader executes in protected mode
 * stops the guest with "KVM internal error ... emulation failure", and QEMU sits there paused with a
 * guest that never prints a line. So the probe boots a 47-byte multiboot kernel that does exactly that:
 * in 32-bit protected mode it returns through {@code iret} to its next instruction, then writes 0x10 to
 * QEMU's {@code isa-debug-exit} port, which ends QEMU with exit code {@code (0x10 << 1) | 1 = 33}. Any
 * other outcome, or none within the time allowed, means no KVM.
 */
final class KvmProbe {

    static final int EXPECTED_EXIT = (0x10 << 1) | 1;
    private static final int MULTIBOOT_MAGIC = 0x1BADB002;
    /** Bit 16: the header gives the load addresses, so a flat binary (no ELF) is enough. */
    private static final int MULTIBOOT_AOUT_KLUDGE = 1 << 16;
    private static final int LOAD_ADDRESS = 0x100000;
    private static final int HEADER_SIZE = 32;
    private static final int DEBUG_EXIT_PORT = 0xf4;

    private KvmProbe() {
    }

    /** What running the probe gave: QEMU's exit code (-1 when it had to be killed) and what it printed. */
    record Run(int exitCode, String output) {
    }

    /**
     * Runs the probe kernel under KVM with {@code run} (a command and the seconds allowed); true only for
     * the expected exit code.
     */
    static boolean passes(Path binary, int seconds, BiFunction<List<String>, Integer, Run> run) {
        return failure(binary, seconds, run).isEmpty();
    }

    /** Why the probe failed, for the log; empty when it passed. */
    static Optional<String> failure(Path binary, int seconds, BiFunction<List<String>, Integer, Run> run) {
        Path kernel = null;
        try {
            kernel = Files.createTempFile("diskfleet-kvm-probe", ".bin");
            Files.write(kernel, kernel());
            Run outcome = run.apply(List.of(binary.toString(), "-accel", "kvm", "-machine", "pc", "-m", "16",
                    "-nodefaults", "-no-user-config", "-display", "none", "-serial", "none", "-monitor", "none",
                    "-no-reboot", "-device", "isa-debug-exit,iobase=0x" + Integer.toHexString(DEBUG_EXIT_PORT)
                            + ",iosize=0x04", "-kernel", kernel.toString()), seconds);
            if (outcome.exitCode() == EXPECTED_EXIT) {
                return Optional.empty();
            }
            String said = outcome.output() == null || outcome.output().isBlank() ? ""
                    : "; QEMU said: " + outcome.output().strip().replaceAll("\\s+", " ");
            if (outcome.exitCode() == -1) {
                return Optional.of("the KVM probe guest did not finish within " + seconds + " s (KVM hangs on"
                        + " protected-mode code here, as on a nested host without full support)" + said);
            }
            return Optional.of("QEMU ended the KVM probe guest with exit code " + outcome.exitCode() + ", not "
                    + EXPECTED_EXIT + said);
        } catch (IOException e) {
            return Optional.of("cannot write the KVM probe kernel: " + e.getMessage());
        } finally {
            if (kernel != null) {
                try {
                    Files.deleteIfExists(kernel);
                } catch (IOException ignored) {
                    // a 47-byte file in the temp folder
                }
            }
        }
    }

    /** The multiboot header, then the code, loaded at 1 MiB and entered in flat 32-bit protected mode. */
    static byte[] kernel() {
        int entry = LOAD_ADDRESS + HEADER_SIZE;
        int afterIret = entry + 8;
        ByteBuffer image = ByteBuffer.allocate(HEADER_SIZE + 15).order(ByteOrder.LITTLE_ENDIAN);
        image.putInt(MULTIBOOT_MAGIC).putInt(MULTIBOOT_AOUT_KLUDGE).putInt(-(MULTIBOOT_MAGIC + MULTIBOOT_AOUT_KLUDGE))
                .putInt(LOAD_ADDRESS) // header_addr
                .putInt(LOAD_ADDRESS) // load_addr
                .putInt(0) // load_end_addr: the whole file
                .putInt(0) // bss_end_addr: none
                .putInt(entry);
        image.put((byte) 0x9C) // pushfd
                .put((byte) 0x0E) // push cs
                .put((byte) 0x68).putInt(afterIret) // push the address after the iret
                .put((byte) 0xCF) // iretd: returns to the next instruction
                .put((byte) 0xB0).put((byte) 0x10) // mov al, 0x10
                .put((byte) 0xE6).put((byte) DEBUG_EXIT_PORT) // out 0xf4, al: QEMU exits with 33
                .put((byte) 0xF4) // hlt, should the port be missing
                .put((byte) 0xEB).put((byte) 0xFD); // and stay halted
        return image.array();
    }
}
