package dev.diskfleet.provisioning.guest;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.none.RecordsOnlyHypervisor;
import dev.diskfleet.hypervisor.qemu.QemuHost;
import dev.diskfleet.hypervisor.qemu.QemuHypervisor;
import dev.diskfleet.hypervisor.seed.SeedImageTool;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Wires the hypervisor engine into Spring: the one place that picks a driver. {@code diskfleet.hypervisor}
 * is {@code auto} (the default: qemu when {@code qemu-system-x86_64} is on the PATH, else none),
 * {@code qemu} or {@code none}. The driver is closed, not stopped, with the context: guests keep running
 * for the next service to adopt ({@link Guests} stops them first when
 * {@code diskfleet.hypervisor.stop-guests-on-shutdown=true}).
 */
@Configuration
public class HypervisorConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HypervisorConfiguration.class);

    @Bean(destroyMethod = "close")
    Hypervisor hypervisor(@Value("${diskfleet.hypervisor:auto}") String driver,
            @Value("${diskfleet.hypervisor.console-log-size:1MB}") DataSize consoleLogSize) {
        Hypervisor chosen = switch (driver) {
            case "none" -> new RecordsOnlyHypervisor();
            case "qemu" -> qemu(consoleLogSize, QemuHost.findOnPath().orElseThrow(() -> new IllegalStateException(
                    "diskfleet.hypervisor=qemu but " + QemuHost.BINARY_NAME + " is not on the PATH"
                            + " (Debian package qemu-system-x86)")));
            case "auto" -> QemuHost.findOnPath().map(binary -> qemu(consoleLogSize, binary))
                    .orElseGet(RecordsOnlyHypervisor::new);
            default -> throw new IllegalStateException("diskfleet.hypervisor must be auto, qemu or none, not '"
                    + driver + "'");
        };
        LOG.info("hypervisor driver: {} ({})", chosen.name(), chosen.host());
        return chosen;
    }

    private static Hypervisor qemu(DataSize consoleLogSize, Path binary) {
        SeedImageTool seeds = SeedImageTool.onPath();
        if (!seeds.installed()) {
            LOG.warn("neither genisoimage nor xorriso is installed (Debian package genisoimage): machines with a"
                    + " cloud-init seed (the default) will fail to start until one is, or until their seed is"
                    + " turned off (cloudInit.enabled=false)");
        }
        QemuHost host = QemuHost.detect(binary);
        if (host.accelerator() == Accelerator.KVM) {
            LOG.info("guests run under KVM: {}", host.acceleratorReason());
        } else {
            LOG.warn("guests run under TCG, QEMU's much slower software emulation: {}", host.acceleratorReason());
        }
        return new QemuHypervisor(host, seeds, consoleLogSize.toBytes());
    }

    @Bean
    GuestRunDirectories guestRunDirectories(@Value("${diskfleet.data-dir}") Path dataDir) {
        return new GuestRunDirectories(dataDir.resolve("guests"));
    }
}
