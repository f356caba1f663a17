package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.GuestDisk;
import dev.diskfleet.hypervisor.GuestNetwork;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.RunDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code qemu-system-x86_64} command that runs one guest. Each choice is there for a reason:
 * <ul>
 *   <li>{@code -S}: start with the CPUs stopped, so that no event (a quick guest's power-off) happens
 *       before our monitor is connected; {@code cont} then runs it;</li>
 *   <li>{@code -daemonize}: QEMU detaches into its own session once it is set up, so it survives the
 *       service; its parent exits with a failure instead if anything in the command is wrong;</li>
 *   <li>{@code -no-reboot}: a guest reboot ends the process, so that a reset always passes through us
 *       (autoreset empties the machine's disk before each power-on);</li>
 *   <li>{@code -uuid} and the SMBIOS serial carry the machine id: the guest can read who it is, and
 *       /proc/&lt;pid&gt;/cmdline proves which machine a process runs when it is adopted;</li>
 *   <li>disks as {@code -blockdev} in JSON (no comma escaping of paths) on virtio-blk, with boot indexes
 *       in order so SeaBIOS boots the first;</li>
 *   <li>the cloud-init seed, when there is one, as a read-only raw virtio-blk disk after them without a
 *       boot index: the guest's own disks keep their names ({@code vda}, {@code vdb} ...) and the firmware
 *       never tries to boot it.</li>
 * </ul>
 */
final class QemuCommandLine {

    private QemuCommandLine() {
    }

    static List<String> build(QemuHost host, GuestSpec spec, RunDirectory dir) {
        List<String> args = new ArrayList<>(List.of(
                host.binary().toString(),
                "-name", "guest=" + safeName(spec.name()) + ",debug-threads=off",
                "-uuid", spec.machineId().toString(),
                "-smbios", "type=1,serial=" + spec.machineId(),
                "-machine", "pc",
                "-accel", host.accelerator().name().toLowerCase(Locale.ROOT),
                "-smp", Integer.toString(spec.cpus()),
                "-m", Integer.toString(spec.memoryMb()),
                "-nodefaults", "-no-user-config",
                "-display", "none",
                "-chardev", "file,id=console,path=" + commaEscaped(dir.consoleLog().toString()),
                "-serial", "chardev:console",
                "-qmp", "unix:" + commaEscaped(dir.monitorSocket().toString()) + ",server=on,wait=off",
                "-pidfile", dir.pidFile().toString(),
                "-no-reboot",
                "-S",
                "-daemonize"));
        for (int i = 0; i < spec.disks().size(); i++) {
            String node = "disk" + i;
            args.add("-blockdev");
            args.add(Json.write(blockdev(node, spec.disks().get(i))));
            args.add("-device");
            args.add("virtio-blk-pci,drive=" + node + ",bootindex=" + i);
        }
        args.addAll(network(spec.network()));
        if (spec.seed() != null) {
            args.add("-blockdev");
            args.add(Json.write(Map.of("node-name", "seed", "driver", "raw", "read-only", true,
                    "file", Map.of("driver", "file", "filename", dir.seedImage().toString(), "read-only", true))));
            args.add("-device");
            args.add("virtio-blk-pci,drive=seed");
        }
        return args;
    }

    private static Map<String, Object> blockdev(String node, GuestDisk disk) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("node-name", node);
        options.put("read-only", disk.readOnly());
        if (disk instanceof GuestDisk.ImageFile file) {
            options.put("driver", file.format().qemuDriver());
            // A qcow2 file names its backing file; QEMU opens that chain itself, always read-only.
            options.put("file", Map.of("driver", "file", "filename", file.path().toAbsolutePath().toString()));
        } else if (disk instanceof GuestDisk.NbdExport nbd) {
            options.put("driver", "nbd");
            options.put("server", Map.of("type", "unix", "path", nbd.socket().toAbsolutePath().toString()));
            options.put("export", nbd.exportName());
            options.put("reconnect-delay", nbd.reconnectDelaySeconds());
        }
        return options;
    }

    /**
     * User networking (slirp): {@code restrict=on} keeps the guest from reaching anything but what is
     * forwarded to it; each forward listens on the host address it names.
     */
    private static List<String> network(GuestNetwork network) {
        if (!network.user()) {
            return List.of("-nic", "none");
        }
        StringBuilder netdev = new StringBuilder("user,id=net0,restrict=").append(network.outbound() ? "off" : "on");
        for (GuestNetwork.Forward forward : network.forwards()) {
            netdev.append(",hostfwd=").append(forward.protocol()).append(':').append(forward.hostAddress())
                    .append(':').append(forward.hostPort()).append("-:").append(forward.guestPort());
        }
        return List.of("-netdev", netdev.toString(), "-device", "virtio-net-pci,netdev=net0");
    }

    /** A name QEMU accepts inside an option list: no commas, no control characters. */
    private static String safeName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.isEmpty() ? "guest" : cleaned;
    }

    /** QEMU's option syntax doubles a comma that belongs to a value. */
    private static String commaEscaped(String value) {
        return value.replace(",", ",,");
    }
}
