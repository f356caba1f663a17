package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A full-stack test on the service's default hypervisor setting ({@code auto}), as a newcomer runs it: on a
 * host with QEMU (CI has it: under CI=true its absence fails the test) the guests are real QEMU guests, so
 * what the documentation tells a reader to do must work with guests that really run. Guests left running by
 * a failing test are powered off after it.
 */
@TestPropertySource(properties = "diskfleet.hypervisor=auto")
public abstract class DefaultDriverTest extends FullStackTest {

    /** The driver the service chose: {@code qemu} wherever QEMU is installed. */
    protected String driver;

    @BeforeEach
    void requireQemuWhereCiRuns() {
        QemuTools.requireOnPath("Debian package qemu-system-x86; .ci/run installs it", "qemu-system-x86_64");
        driver = api.get("/api/host").expect(200).json().path("driver").asString();
        assertThat(driver).as("the default driver on a host with QEMU").isEqualTo("qemu");
    }

    @AfterEach
    void powerOffWhatStillRuns() {
        for (JsonNode machine : api.get("/api/machines?size=500").expect(200).json().path("items")) {
            if (!"poweredOff".equals(machine.path("state").asString())) {
                api.postEmpty("/api/machines/" + machine.path("id").asString() + "/stop?force=true");
            }
        }
    }
}
