package dev.diskfleet.crash;

import dev.diskfleet.support.DiskfleetClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The suite's client, as the harness reads it: an answer of any status is data for the invariants, and a
 * request with no answer is {@link ServiceGone}, the kill the harness waits for, not a test error.
 */
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

    private final DiskfleetClient api;

    Client(DiskfleetClient api) {
        this.api = api;
    }

    Answer get(String path, String... headers) {
        return answer(() -> api.get(path, headers));
    }

    Answer post(String path, Map<String, ?> json) {
        return answer(() -> api.post(path, json));
    }

    Answer postEmpty(String path) {
        return answer(() -> api.postEmpty(path));
    }

    Answer patch(String path, Map<String, ?> json) {
        return answer(() -> api.patch(path, json));
    }

    Answer delete(String path) {
        return answer(() -> api.delete(path));
    }

    Answer send(String method, String path, BodyPublisher body, String... headers) {
        return answer(() -> api.upload(method, path, body, headers));
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

    private static Answer answer(Supplier<DiskfleetClient.Reply> request) {
        try {
            DiskfleetClient.Reply reply = request.get();
            return new Answer(reply.request(), reply.status(), reply.bytes());
        } catch (DiskfleetClient.NoAnswer e) {
            throw new ServiceGone(e.request(), e.getCause());
        }
    }
}
