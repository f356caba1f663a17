package dev.diskfleet.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as a client sees it: plain HTTP with java.net.http, JSON read with Jackson. Every HTTP
 * suite talks to Diskfleet through this one class. Every request carries {@link #defaultHeaders()}; a
 * header given with a request replaces a default of the same name. Every reply's status is recorded for
 * {@link DocumentedStatuses}, which FullStackTest checks against the API document after each class.
 */
public final class DiskfleetClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One port; or several, one service each, that the requests take in turn. */
    private final List<Integer> ports;
    private final AtomicInteger turn = new AtomicInteger();
    /**
     * The bootstrap admin token of every test context ({@link TemporaryDataDir} sets
     * {@code diskfleet.security.admin-token} to it): tests that are not about security act as admin.
     */
    public static final String TEST_ADMIN_TOKEN = "test-admin-token-for-the-suite-only";

    private final Map<String, String> defaultHeaders;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public DiskfleetClient(int port) {
        this(List.of(port), defaultHeaders());
    }

    private DiskfleetClient(List<Integer> ports, Map<String, String> defaultHeaders) {
        this.ports = List.copyOf(ports);
        this.defaultHeaders = Map.copyOf(defaultHeaders);
    }

    /**
     * A client of several nodes of one cluster: each request goes to the next node in turn, so that racing
     * requests reach different nodes, as a load balancer in front of them would send them.
     */
    public static DiskfleetClient alternating(int... ports) {
        return new DiskfleetClient(Arrays.stream(ports).boxed().toList(), defaultHeaders());
    }

    /**
     * What every request carries unless a test says otherwise: {@code Authorization: Bearer <token>}, the
     * token being the system property {@code token} when set ({@code mvn test -Dtoken=...}, for a service
     * started elsewhere), else {@link #TEST_ADMIN_TOKEN}, the admin token every test context is given.
     */
    public static Map<String, String> defaultHeaders() {
        String token = System.getProperty("token", "");
        return Map.of("Authorization", "Bearer " + (token.isBlank() ? TEST_ADMIN_TOKEN : token));
    }

    /** The same client with other default headers, e.g. none, to see what an anonymous caller gets. */
    public DiskfleetClient withDefaultHeaders(Map<String, String> headers) {
        return new DiskfleetClient(ports, headers);
    }

    /** The URL of the (first) service. */
    public String baseUrl() {
        return "http://127.0.0.1:" + ports.get(0);
    }

    public Reply get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    /** Posts JSON: a map or record is written with Jackson, a {@code String} is sent as the JSON text it already is. */
    public Reply post(String path, Object json, String... headers) {
        return send(request(path, headers).setHeader("Content-Type", "application/json").POST(jsonBody(json)));
    }

    public Reply postEmpty(String path, String... headers) {
        return send(request(path, headers).POST(BodyPublishers.noBody()));
    }

    public Reply patch(String path, Object json, String... headers) {
        return send(request(path, headers).setHeader("Content-Type", "application/json")
                .method("PATCH", jsonBody(json)));
    }

    /** Any method without a body, with headers (a DELETE with If-Match). */
    public Reply send(String method, String path, String... headers) {
        return send(request(path, headers).method(method, BodyPublishers.noBody()));
    }

    public Reply delete(String path, String... headers) {
        return send(request(path, headers).DELETE());
    }

    /** Sends a raw body, as {@code curl --data-binary} (POST) or {@code curl -T} (PUT) would. */
    public Reply upload(String method, String path, BodyPublisher body, String... headers) {
        return send(request(path, headers).method(method, body));
    }

    public HttpResponse<InputStream> stream(String path, String... headers) {
        try {
            HttpRequest built = request(path, headers).GET().build();
            HttpResponse<InputStream> response = http.send(built, BodyHandlers.ofInputStream());
            DocumentedStatuses.record("GET", built.uri().getPath(), response.statusCode());
            return response;
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits (long poll, up to five minutes) until the operation at {@code location} has finished; returns it. */
    public JsonNode awaitOperation(String location) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Reply reply = get(location + "/wait?timeout=30");
            reply.expect(200);
            String state = reply.json().path("state").asString();
            if (state.equals("succeeded") || state.equals("failed")) {
                return reply.json();
            }
        }
        throw new AssertionError("operation " + location + " did not finish within five minutes");
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(Math.floorMod(turn.getAndIncrement(), ports.size())) + path)).timeout(Duration.ofMinutes(2));
        defaultHeaders.forEach(builder::setHeader);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.setHeader(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static BodyPublisher jsonBody(Object json) {
        return BodyPublishers.ofString(json instanceof String text ? text : JSON.writeValueAsString(json));
    }

    private Reply send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            HttpResponse<byte[]> response = http.send(built, BodyHandlers.ofByteArray());
            DocumentedStatuses.record(built.method(), built.uri().getPath(), response.statusCode());
            return new Reply(built.method() + " " + built.uri().getPath(), response);
        } catch (IOException e) {
            throw new NoAnswer(built.method() + " " + built.uri().getPath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswer(built.method() + " " + built.uri().getPath(), e);
        }
    }

    /** A request the service never answered: refused connection, reset, timeout; a test failure by default. */
    public static final class NoAnswer extends AssertionError {

        private final String request;

        NoAnswer(String request, Exception cause) {
            super(request + " got no answer: " + cause, cause);
            this.request = request;
        }

        public String request() {
            return request;
        }
    }

    public static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** One response: status, headers and body, with the JSON parsed on demand. */
    public record Reply(String request, HttpResponse<byte[]> response) {

        public int status() {
            return response.statusCode();
        }

        public byte[] bytes() {
            return response.body();
        }

        public String text() {
            return new String(response.body(), StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(response.body());
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        /** Fails with the body in the message, so a wrong status explains itself. */
        public Reply expect(int status) {
            if (status() != status) {
                throw new AssertionError(request + ": expected " + status + " but got " + status() + ": " + text());
            }
            return this;
        }

        /** Checks that this is a problem document of {@code type} (the slug after /problems/); returns its detail. */
        public String expectProblem(int status, String type) {
            expect(status);
            if (!header("Content-Type").orElse("").startsWith("application/problem+json")) {
                throw new AssertionError(request + ": not a problem document: " + header("Content-Type") + " " + text());
            }
            String actual = json().path("type").asString("");
            if (!actual.equals("https://diskfleet.dev/problems/" + type)) {
                throw new AssertionError(request + ": expected problem type " + type + " but got " + text());
            }
            return json().path("detail").asString("");
        }
    }
}
