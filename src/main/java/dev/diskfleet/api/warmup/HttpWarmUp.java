package dev.diskfleet.api.warmup;

import dev.diskfleet.api.security.WarmUpCredential;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.Ssl;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the service's own HTTP stack the requests a fleet deployment makes, once the web server is up and
 * before the service reports ready: the deployment itself (naming an image that does not exist, so it ends
 * in 404 and makes nothing), one with a body of the wrong type (400), and the reads a client makes while it
 * waits (an operation that does not exist, the lists, and the newest operation and fleet when there are
 * any). Together with the provisioning warm-up of the rows and files ({@code FleetWarmUp}), the first fleet
 * after a start then loads and prepares less itself; docs/fleet-benchmark.md says what it still costs.
 * The requests authenticate with a {@link WarmUpCredential} made for this run only; they are not audited.
 * Off with {@code diskfleet.fleets.warm-up=false}, and when the server speaks TLS (a request to itself would
 * have to trust its certificate); a failure is logged and changes nothing, and ends the warm-up.
 */
@Component
class HttpWarmUp {

    private static final Logger log = LoggerFactory.getLogger(HttpWarmUp.class);
    private static final int ROUNDS = 3;
    /** A request that takes longer ends the warm-up: startup waits at most about this long for a stuck one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final WarmUpCredential credential;
    private final Environment environment;
    private final JsonMapper json;
    private final boolean enabled;

    HttpWarmUp(WarmUpCredential credential, Environment environment, JsonMapper json,
            @Value("${diskfleet.fleets.warm-up:true}") boolean enabled) {
        this.credential = credential;
        this.json = json;
        this.environment = environment;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    void run() {
        Integer port = environment.getProperty("local.server.port", Integer.class);
        if (!enabled || port == null || port <= 0 || servesTls(environment)) {
            return;
        }
        long start = System.nanoTime();
        String secret = credential.open();
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try {
            URI base = URI.create("http://" + host() + ":" + port);
            for (int round = 0; round < ROUNDS; round++) {
                for (Request request : requests()) {
                    request.send(http, base, secret);
                }
                readNewest(http, base, secret);
            }
            log.info("HTTP layer warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            log.warn("the HTTP warm-up failed; the first requests will be slower", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            credential.close();
        }
    }

    /**
     * Whether the server speaks TLS: any {@code server.ssl} setting (a bundle, a key store) turns it on unless
     * {@code server.ssl.enabled=false}, as Spring Boot's own {@link Ssl#isEnabled(Ssl)} reads it.
     */
    static boolean servesTls(Environment environment) {
        return Ssl.isEnabled(Binder.get(environment).bind("server.ssl", Ssl.class).orElse(null));
    }

    /** Loopback, unless the server listens on one address only. */
    private String host() {
        String address = environment.getProperty("server.address", "");
        if (address.isBlank()) {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
        return address.contains(":") ? "[" + address + "]" : address;
    }

    /**
     * A restarted service has history: the reads a client makes of a real operation and fleet (the long poll's
     * answer, a fleet's page of members) are warmed on the newest ones, which they do not change.
     */
    private void readNewest(HttpClient http, URI base, String secret) throws IOException, InterruptedException {
        String operation = newestId(new Request("GET", "/api/operations?size=1", null, 200).send(http, base, secret));
        if (operation != null) {
            new Request("GET", "/api/operations/" + operation + "/wait?timeout=0", null, 200).send(http, base, secret);
        }
        String fleet = newestId(new Request("GET", "/api/fleets?size=1", null, 200).send(http, base, secret));
        if (fleet != null) {
            new Request("GET", "/api/fleets/" + fleet + "?size=1", null, 200).send(http, base, secret);
        }
    }

    private String newestId(String page) {
        JsonNode items = json.readTree(page).path("items");
        return items.isArray() && !items.isEmpty() ? items.get(0).path("id").asString(null) : null;
    }

    private static List<Request> requests() {
        UUID nowhere = UUID.randomUUID();
        return List.of(
                new Request("POST", "/api/fleets", "{\"name\":\"warm-up\",\"goldenImageId\":\"" + nowhere
                        + "\",\"size\":100,\"machineNamePrefix\":\"warm-up\",\"start\":false}", 404),
                new Request("POST", "/api/fleets", "{\"name\":\"warm-up\",\"size\":\"many\"}", 400),
                new Request("GET", "/api/operations/" + nowhere + "/wait?timeout=0", null, 404),
                new Request("GET", "/api/operations?size=5", null, 200),
                new Request("GET", "/api/fleets/" + nowhere, null, 404),
                new Request("GET", "/api/fleets?size=5", null, 200));
    }

    /** One request and the status it must get; another status is logged, as it means the warm-up missed its path. */
    private record Request(String method, String path, String json, int expected) {

        /** Sends it; returns the body. */
        String send(HttpClient http, URI base, String secret) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + secret)
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                log.info("warm-up request {} {} answered {}, not {}", method, path, response.statusCode(), expected);
            }
            return response.body();
        }
    }
}
