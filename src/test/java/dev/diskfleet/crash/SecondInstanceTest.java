package dev.diskfleet.crash;

import dev.diskfleet.support.Campaign;
import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.ServiceProcess;
import dev.diskfleet.support.TemporaryDataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two service processes on one data directory: the second stops at once, naming the first by pid and
 * host and naming the lock file, before its startup recovery could remove the first one's temporary files
 * or fail its work; the first keeps serving.
 */
@ProcessTest
class SecondInstanceTest {

    private final Path dataDir = TemporaryDataDir.create("diskfleet-second-instance-");

    @AfterEach
    void removeDataDir() {
        TemporaryDataDir.deleteTree(dataDir);
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectoryExitsNamingTheHolderAndLeavesTheFirstAlone() throws Exception {
        try (ServiceProcess first = HarnessService.on(dataDir, dataDir.resolve("first.log")).start()) {
            String created = post(first, "/api/images", "{\"name\":\"before\",\"sizeBytes\":1048576,\"format\":\"vdi\"}");
            // What an upload in flight looks like to a starting instance: a hidden temporary file.
            Path uploadInFlight = Files.writeString(dataDir.resolve("images/.0b0e7a5e-0000-4000-8000-000000000001.vdi.tmp"), "x");

            Process second = HarnessService.on(dataDir, dataDir.resolve("second.log")).launch();
            assertThat(ServiceProcess.waitFor(second, Duration.ofSeconds(120))).as("the second instance exits").isTrue();
            String secondLog = ServiceProcess.read(dataDir.resolve("second.log"));

            assertThat(second.exitValue()).as(secondLog).isNotZero();
            assertThat(secondLog).contains("APPLICATION FAILED TO START")
                    .contains("pid " + first.process().pid() + "@")
                    .contains(dataDir.resolve("images/.diskfleet.lock").toString())
                    .doesNotContain("Tomcat started");
            assertThat(uploadInFlight).as("the first instance's temporary file").exists();
            assertThat(get(first, "/api/images")).contains(idOf(created));
            assertThat(post(first, "/api/images", "{\"name\":\"after\",\"sizeBytes\":1048576,\"format\":\"vdi\"}"))
                    .contains("\"name\":\"after\"");
            assertThat(get(first, "/api/storage/orphans")).contains("\"files\":[]");
        }
    }

    @Test
    @Campaign // CrashHarnessTest restarts the service on the same storage root after every kill -9
    void theLockIsFreeAgainOnceTheHolderIsKilled() {
        try (ServiceProcess first = HarnessService.on(dataDir, dataDir.resolve("first.log")).start()) {
            first.kill();
        }
        try (ServiceProcess again = HarnessService.on(dataDir, dataDir.resolve("again.log")).start()) {
            assertThat(again.isAlive()).isTrue();
        }
    }

    private static String post(ServiceProcess service, String path, String json) {
        return service.api().post(path, json).expect(201).text();
    }

    private static String get(ServiceProcess service, String path) {
        return service.api().get(path).expect(200).text();
    }

    private static String idOf(String json) {
        int at = json.indexOf("\"id\":\"") + 6;
        return json.substring(at, json.indexOf('"', at));
    }
}
