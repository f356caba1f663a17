package dev.diskfleet.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.DiskFormat;
import dev.diskfleet.hypervisor.GuestDisk;
import dev.diskfleet.hypervisor.GuestNetwork;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {

    private static final QemuHost TCG = new QemuHost(Path.of("/usr/bin/qemu-system-x86_64"), "7.2.22", Accelerator.TCG);
    private final UUID machine = UUID.fromString("0b6c9b6e-8a4f-4a55-a4d0-4d1f4f3e1a01");
    private final RunDirectory dir = new RunDirectory(Path.of("/data/run/0b6c9b6e"));

    @Test
    void givesTheGuestItsCpusMemoryIdentityAndAcceleratorAndDetachesPaused() {
        List<String> args = QemuCommandLine.build(TCG, spec(List.of()), dir);

        assertThat(args).containsSequence("-smp", "2").containsSequence("-m", "512")
                .containsSequence("-uuid", machine.toString())
                .containsSequence("-smbios", "type=1,serial=" + machine)
                .containsSequence("-accel", "tcg")
                .containsSequence("-pidfile", "/data/run/0b6c9b6e/guest.pid")
                .containsSequence("-qmp", "unix:/data/run/0b6c9b6e/qmp.sock,server=on,wait=off")
                .contains("-no-reboot", "-S", "-daemonize", "-nodefaults");
    }

    @Test
    void opensDisksInBootOrderReadOnlyWhereAskedAndNbdWithItsReconnectDelay() {
        List<String> args = QemuCommandLine.build(TCG, spec(List.of(
                new GuestDisk.ImageFile(Path.of("/data/images/top.qcow2"), DiskFormat.QCOW2, false),
                new GuestDisk.ImageFile(Path.of("/data/images/base.raw"), DiskFormat.RAW, true),
                new GuestDisk.NbdExport(Path.of("/data/nbd.sock"), "disk-1", 15, false))), dir);

        List<Map<String, Object>> blockdevs = values(args, "-blockdev").stream().map(Json::parseObject).toList();
        assertThat(blockdevs).hasSize(3);
        assertThat(blockdevs.get(0)).containsEntry("driver", "qcow2").containsEntry("read-only", false)
                .containsEntry("file", Map.of("driver", "file", "filename", "/data/images/top.qcow2"));
        assertThat(blockdevs.get(1)).containsEntry("driver", "raw").containsEntry("read-only", true);
        assertThat(blockdevs.get(2)).containsEntry("driver", "nbd").containsEntry("export", "disk-1")
                .containsEntry("reconnect-delay", 15L)
                .containsEntry("server", Map.of("type", "unix", "path", "/data/nbd.sock"));
        assertThat(values(args, "-device")).containsExactly("virtio-blk-pci,drive=disk0,bootindex=0",
                "virtio-blk-pci,drive=disk1,bootindex=1", "virtio-blk-pci,drive=disk2,bootindex=2");
    }

    @Test
    void aGuestNameCannotInjectOptions() {
        List<String> args = QemuCommandLine.build(TCG, new GuestSpec(machine, "db,1 -x", 1, 64, List.of(),
                dir.path()), dir);

        assertThat(args).containsSequence("-name", "guest=db_1_-x,debug-threads=off");
    }

    @Test
    void aGuestWithoutANetworkHasNoNicAtAll() {
        List<String> args = QemuCommandLine.build(TCG, spec(List.of()), dir);

        assertThat(args).containsSequence("-nic", "none").doesNotContain("-netdev");
    }

    @Test
    void userModeNetworkingIsOneVirtioNicRestrictedWithAHostForwardPerForward() {
        GuestNetwork network = new GuestNetwork(GuestNetwork.Mode.USER, false, List.of(
                new GuestNetwork.Forward(GuestNetwork.Protocol.TCP, "127.0.0.1", 40001, 5432),
                new GuestNetwork.Forward(GuestNetwork.Protocol.UDP, "0.0.0.0", 40002, 53)));
        List<String> args = QemuCommandLine.build(TCG, new GuestSpec(machine, "db-1", 2, 512, List.of(), dir.path(),
                network), dir);

        assertThat(args).containsSequence("-netdev", "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:40001-:5432,"
                + "hostfwd=udp:0.0.0.0:40002-:53").containsSequence("-device", "virtio-net-pci,netdev=n0")
                .doesNotContain("-nic");
    }

    @Test
    void aGuestThatMayReachOutIsNotRestricted() {
        GuestNetwork network = new GuestNetwork(GuestNetwork.Mode.USER, true, List.of());
        List<String> args = QemuCommandLine.build(TCG, new GuestSpec(machine, "db-1", 2, 512, List.of(), dir.path(),
                network), dir);

        assertThat(args).containsSequence("-netdev", "user,id=n0,restrict=off");
    }

    private GuestSpec spec(List<GuestDisk> disks) {
        return new GuestSpec(machine, "db-1", 2, 512, disks, dir.path());
    }

    private static List<String> values(List<String> args, String option) {
        return java.util.stream.IntStream.range(0, args.size() - 1).filter(i -> args.get(i).equals(option))
                .mapToObj(i -> args.get(i + 1)).toList();
    }
}
