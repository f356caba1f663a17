package dev.diskfleet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service's HTTP API as the benches call it: a bearer token, JSON bodies, operations long-polled to their end. */
final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Sends a request ({@code json} null for none); a 4xx or 5xx is fatal. Returns the body, or a null node. */
    JsonNode send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Long-polls an accepted operation to its end; a failed one is fatal. */
    JsonNode await(JsonNode operation) {
        String id = operation.get("id").asString();
        while (!operation.get("state").asString().matches("succeeded|failed")) {
            operation = send("GET", "/api/operations/" + id + "/wait?timeout=60", null);
        }
        if (!operation.get("state").asString().equals("succeeded")) {
            throw new IllegalStateException("operation " + id + " failed: " + operation.get("error"));
        }
        return operation;
    }
}
