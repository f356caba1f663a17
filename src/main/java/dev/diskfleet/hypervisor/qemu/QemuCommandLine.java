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
 *   <li>the network as one virtio NIC on user-mode networking ({@code -netdev user}: QEMU's own NAT and
 *       DHCP server, no root, no bridge), {@code restrict=on} unless the guest may reach out, and one
 *       {@code hostfwd} per port forward; {@code -nic none} without a network (so no default NIC either);</li>
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
                // append=on: every write lands at the log's end, so ConsoleLog.cap may empty it under QEMU
                "-chardev", "file,id=console,append=on,path=" + commaEscaped(dir.consoleLog().toString()),
                "-serial", "chardev:console",
                "-qmp", "unix:" + commaEscaped(dir.monitorSocket().toString()) + ",server=on,wait=off",
                "-pidfile", dir.pidFile().toString(),
                "-no-reboot",
                "-S",
                "-daemonize"));
        args.addAll(network(spec.network()));
        for (int i = 0; i < spec.disks().size(); i++) {
            String node = "disk" + i;
            args.add("-blockdev");
            args.add(Json.write(blockdev(node, spec.disks().get(i))));
            args.add("-device");
            args.add("virtio-blk-pci,drive=" + node + ",bootindex=" + i);
        }
        if (spec.seed() != null) {
            args.add("-blockdev");
            args.add(Json.write(Map.of("node-name", "seed", "driver", "raw", "read-only", true,
                    "file", Map.of("driver", "file", "filename", dir.seedImage().toString(), "read-only", true))));
            args.add("-device");
            args.add("virtio-blk-pci,drive=seed");
        }
        return args;
    }

    static List<String> network(GuestNetwork network) {
        if (network.mode() == GuestNetwork.Mode.NONE) {
            return List.of("-nic", "none");
        }
        StringBuilder netdev = new StringBuilder("user,id=n0,restrict=").append(network.outbound() ? "off" : "on");
        for (GuestNetwork.Forward forward : network.forwards()) {
            netdev.append(",hostfwd=").append(hostForward(forward));
        }
        return List.of("-netdev", netdev.toString(), "-device", "virtio-net-pci,netdev=n0");
    }

    /** {@code tcp:127.0.0.1:40001-:5432}: QEMU's spelling of a forward, also in its error when it cannot bind. */
    static String hostForward(GuestNetwork.Forward forward) {
        return forward.protocol().spelling() + ":" + forward.hostAddress() + ":" + forward.hostPort() + "-:"
                + forward.guestPort();
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
