package dev.diskfleet;

import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One application context (real HTTP, H2 and a storage root in a temporary folder) shared by the fleet
 * and idempotency tests, so Spring starts it once for all of them. Tests make their names unique, since
 * they share the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TemporaryDataDir.class)
@Import({HeldRequestEndpoint.class, FleetFaults.class})
public abstract class FleetServiceTestSupport {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @Value("${diskfleet.storage.root}")
    private Path storageRoot;

    protected Path storageRoot() {
        return storageRoot;
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    protected HttpResponse<String> send(HttpRequest request) {
        return TestHttp.send(http, request, HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> postJson(String path, String json, String... headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    protected HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
