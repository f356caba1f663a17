package dev.diskfleet.crash;

import dev.diskfleet.support.ServiceProcess;
import java.nio.file.Path;

/** How the harness starts the service: records only, quiet logs but for what it parses, its own host ports. */
final class HarnessService {

    private HarnessService() {
    }

    static ServiceProcess.Launch on(Path dataDir, Path log) {
        return ServiceProcess.on(dataDir).log(log).settings("-Xmx384m",
                // The workload's machines have no bootable disk and write into running machines' disks over
                // HTTP: records only, as the rest of the suite (guests are the guest suites' subject).
                "--diskfleet.hypervisor=none",
                // Fleet starts probe their forwards' host ports: a range of this data folder's own, below the
                // ephemeral ports, and the same at every restart (picked ports are kept in rows).
                "--diskfleet.network.host-ports=" + hostPorts(dataDir),
                "--logging.level.root=WARN", "--logging.level.org.springframework.boot.tomcat=INFO",
                "--logging.level.org.springframework.boot.web=INFO", "--logging.level.dev.diskfleet=INFO");
    }

    static String hostPorts(Path dataDir) {
        int first = 20000 + Math.floorMod(dataDir.toAbsolutePath().toString().hashCode(), 9000);
        return first + "-" + (first + 199);
    }
}
