package dev.diskfleet.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.node.NodeIdentity;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

@ConsoleServiceTest
class PrometheusMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    NodeIdentity node;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void needsATokenAndTheAdminRole() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        String viewer = JsonMapper.builder().build().readTree(send("POST", "/api/tokens",
                "{\"name\":\"scraper-" + UUID.randomUUID() + "\",\"role\":\"viewer\"}").body()).get("token").asString();
        assertThat(get("/actuator/prometheus", viewer).statusCode()).isEqualTo(403);
    }

    @Test
    void countsMachinesBootsAndGuestBytesAsDiskfleetMetrics() throws Exception {
        double running = value(scrape(), "diskfleet_machines{state=\"running\"}");
        double boots = value(scrape(), "diskfleet_boots_total");
        String id = JsonMapper.builder().build().readTree(send("POST", "/api/machines",
                "{\"name\":\"metrics-" + UUID.randomUUID() + "\"}").body()).get("id").asString();
        send("POST", "/api/machines/" + id + "/start", null);

        String metrics = scrape();
        assertThat(value(metrics, "diskfleet_machines{state=\"running\"}")).isEqualTo(running + 1);
        assertThat(value(metrics, "diskfleet_boots_total")).isEqualTo(boots + 1);
        assertThat(metrics).contains("diskfleet_images{state=\"ready\",type=\"immutable\"}")
                .contains("diskfleet_fleets{state=\"ready\"}")
                .contains("diskfleet_differencing_used_bytes ")
                .contains("diskfleet_differencing_saved_bytes ")
                .contains("diskfleet_storage_free_bytes ")
                .contains("diskfleet_storage_min_free_bytes ")
                .contains("diskfleet_guest_io_bytes_total{direction=\"read\"}")
                .contains("diskfleet_nbd_io_bytes_total{direction=\"write\"}")
                .contains("diskfleet_boot_failures_total")
                .contains("jvm_memory_used_bytes")
                .contains("http_server_requests_seconds_count");
        assertThat(value(metrics, "diskfleet_storage_free_bytes")).isPositive();
        send("POST", "/api/machines/" + id + "/stop", null);
    }

    @Test
    void theMinimumFreeSpaceGaugeStillReadsTheSettingAfterAGarbageCollection(
            @Value("${diskfleet.limits.min-free-space:1GB}") DataSize minFreeSpace) throws Exception {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 10 && canary.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(canary.get()).as("a collection ran").isNull();
        assertThat(value(scrape(), "diskfleet_storage_min_free_bytes")).isEqualTo(minFreeSpace.toBytes());
    }

    @Test
    void countsOperationsByKindAndStateAndTimesThem() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        String image = json.readTree(send("POST", "/api/images", "{\"name\":\"metrics-" + UUID.randomUUID()
                + "\",\"sizeBytes\":1048576,\"format\":\"vdi\",\"type\":\"normal\"}").body()).get("id").asString();
        String operation = json.readTree(send("POST", "/api/images/" + image + "/clone",
                "{\"name\":\"metrics-clone-" + UUID.randomUUID() + "\",\"format\":\"vdi\",\"type\":\"immutable\"}").body())
                .get("id").asString();
        String kind = json.readTree(send("GET", "/api/operations/" + operation + "/wait?timeout=30", null).body())
                .get("kind").asString();

        scrape();
        String metrics = scrape();
        assertThat(value(metrics, "diskfleet_operations{kind=\"" + kind + "\",state=\"succeeded\"}")).isPositive();
        assertThat(value(metrics, "diskfleet_operation_duration_seconds_count{kind=\"" + kind + "\",state=\"succeeded\"}"))
                .isPositive();
    }

    @Test
    void everySampleNamesTheNodeItWasMeasuredOn() throws Exception {
        String label = "node=\"" + node.name() + "\"";
        List<String> samples = rawScrape().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
        assertThat(samples).isNotEmpty().allSatisfy(sample -> assertThat(sample).contains(label));
    }

    /** The scrape without the node label every sample carries, so samples read as on a single node. */
    private String scrape() throws Exception {
        String label = "node=\"" + node.name() + "\"";
        return rawScrape().replace("{" + label + "}", "").replace("," + label, "").replace(label + ",", "");
    }

    private String rawScrape() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus", ConsoleServiceTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    /** The sample's value in the Prometheus text format: "name{labels} value". */
    private static double value(String metrics, String sample) {
        return metrics.lines().filter(line -> line.startsWith(sample + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(sample + " is not in the scrape"));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ConsoleServiceTest.ADMIN_TOKEN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response;
    }
}
