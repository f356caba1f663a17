package dev.diskfleet.crash;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void removeDataDir() {
        TemporaryDataDir.deleteTree(dataDir);
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectoryExitsNamingTheHolderAndLeavesTheFirstAlone() throws Exception {
        try (ServiceProcess first = ServiceProcess.start(dataDir, dataDir.resolve("first.log"), null,
                Duration.ofSeconds(120))) {
            String created = post(first, "/api/images", "{\"name\":\"before\",\"sizeBytes\":1048576,\"format\":\"vdi\"}");
            // What an upload in flight looks like to a starting instance: a hidden temporary file.
            Path uploadInFlight = Files.writeString(dataDir.resolve("images/.0b0e7a5e-0000-4000-8000-000000000001.vdi.tmp"), "x");

            Process second = ServiceProcess.launch(dataDir, dataDir.resolve("second.log"), null);
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
    void theLockIsFreeAgainOnceTheHolderIsKilled() {
        try (ServiceProcess first = ServiceProcess.start(dataDir, dataDir.resolve("first.log"), null,
                Duration.ofSeconds(120))) {
            first.kill();
        }
        try (ServiceProcess again = ServiceProcess.start(dataDir, dataDir.resolve("again.log"), null,
                Duration.ofSeconds(120))) {
            assertThat(again.isAlive()).isTrue();
        }
    }

    private String post(ServiceProcess service, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", "Bearer " + ServiceProcess.ADMIN_TOKEN).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    private String get(ServiceProcess service, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", "Bearer " + ServiceProcess.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String idOf(String json) {
        int at = json.indexOf("\"id\":\"") + 6;
        return json.substring(at, json.indexOf('"', at));
    }
}
