package dev.diskfleet.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP to the service under the harness: a request with no answer is {@link ServiceGone}, not a test error. */
final class Client {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Answer(String request, int status, byte[] body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** A 2xx answer's JSON; any other answer is the service refusing the workload, which the harness reports. */
        JsonNode expectOk() {
            if (!ok()) {
                throw new IllegalStateException(request + " answered " + status + ": " + text());
            }
            return body.length == 0 ? JSON.nullNode() : json();
        }
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Client(String base) {
        this.base = base;
    }

    Answer get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    Answer post(String path, Map<String, ?> json) {
        return send(request(path, "Content-Type", "application/json")
                .POST(BodyPublishers.ofString(JSON.writeValueAsString(json))));
    }

    Answer postEmpty(String path) {
        return send(request(path).POST(BodyPublishers.noBody()));
    }

    Answer patch(String path, Map<String, ?> json) {
        return send(request(path, "Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString(JSON.writeValueAsString(json))));
    }

    Answer delete(String path) {
        return send(request(path).DELETE());
    }

    Answer send(String method, String path, BodyPublisher body, String... headers) {
        return send(request(path, headers).method(method, body));
    }

    /** Waits for an operation to finish; its final JSON. */
    JsonNode awaitOperation(String id) {
        for (int attempt = 0; attempt < 30; attempt++) {
            JsonNode operation = get("/api/operations/" + id + "/wait?timeout=10").expectOk();
            String state = operation.path("state").asString();
            if (state.equals("succeeded") || state.equals("failed")) {
                return operation;
            }
        }
        throw new IllegalStateException("operation " + id + " did not finish in 5 minutes");
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + ServiceProcess.ADMIN_TOKEN);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private Answer send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        String name = request.method() + " " + request.uri().getPath();
        try {
            HttpResponse<byte[]> response = http.send(request, BodyHandlers.ofByteArray());
            return new Answer(name, response.statusCode(), response.body());
        } catch (IOException e) {
            throw new ServiceGone(name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceGone(name, e);
        }
    }
}
