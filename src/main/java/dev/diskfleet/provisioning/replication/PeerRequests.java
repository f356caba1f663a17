package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.PeerFailureException;
import dev.diskfleet.domain.node.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks another node to do work of its own: {@code POST <node url>/internal/...} with a JSON body and the cluster
 * secret in a header (never in the URL). It waits as long as the work takes; every failure names the node and
 * carries what it answered.
 */
@Component
public class PeerRequests {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterSecret secret;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    PeerRequests(ClusterSecret secret, JsonMapper json) {
        this.secret = secret;
        this.json = json;
    }

    /** Posts {@code body} as JSON to {@code path} on {@code node} and reads its JSON answer (none: null). */
    public <T> T post(Node node, String path, Object body, Class<T> answer, String what) {
        if (!secret.isConfigured()) {
            throw new PeerFailureException("node-request-failed", "node " + node.getName() + " cannot be asked to "
                    + what + ": set the same diskfleet.cluster.secret on every node");
        }
        HttpResponse<String> response;
        try {
            HttpRequest request = to(node, path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw failure(node, what, "its URL " + node.getUrl() + " is not one (diskfleet.node.url)");
        } catch (IOException e) {
            throw failure(node, what, "it could not be reached at " + node.getUrl() + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(node, what, "the request was interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(node, what, "it answered " + response.statusCode() + ": " + detailOf(response.body()));
        }
        if (answer == Void.class || response.body().isBlank()) {
            return null;
        }
        try {
            return json.readValue(response.body(), answer);
        } catch (JacksonException e) {
            throw failure(node, what, "its answer could not be read (" + e.getOriginalMessage() + ")");
        }
    }

    /**
     * Whether {@code node} answers {@code GET <url><path>} with 2xx; false when it answers anything else or
     * cannot be reached (a question, not work: nothing fails).
     */
    public boolean answers(Node node, String path) {
        if (!secret.isConfigured()) {
            return false;
        }
        try {
            HttpRequest request = to(node, path).timeout(CONNECT_TIMEOUT).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET <url><path>} on {@code node}, its JSON answer read as {@code answer}; empty on any failure. */
    public <T> Optional<T> get(Node node, String path, Class<T> answer) {
        if (!secret.isConfigured()) {
            return Optional.empty();
        }
        try {
            HttpRequest request = to(node, path).timeout(CONNECT_TIMEOUT).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() / 100 == 2 ? Optional.of(json.readValue(response.body(), answer))
                    : Optional.empty();
        } catch (IllegalArgumentException | IOException | JacksonException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A request to {@code path} on {@code node}, with the cluster secret; an unusable URL throws IllegalArgumentException. */
    private HttpRequest.Builder to(Node node, String path) {
        return HttpRequest.newBuilder(URI.create(node.getUrl().replaceAll("/+$", "") + path))
                .header(ClusterSecret.HEADER, secret.value());
    }

    /** A problem's detail, else the first characters of the answer. */
    private String detailOf(String body) {
        try {
            JsonNode problem = json.readTree(body);
            if (problem.hasNonNull("detail")) {
                return problem.get("detail").asString();
            }
        } catch (JacksonException notJson) {
            // shown as it came
        }
        return body.length() > 512 ? body.substring(0, 512) : body;
    }

    private static PeerFailureException failure(Node node, String what, String why) {
        return new PeerFailureException("node-request-failed", "node " + node.getName() + " was asked to " + what
                + " and did not: " + why);
    }
}
