package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A piece of data needs the same role on every route that serves it, with {@code HEAD} as with {@code GET}
 * and with its path percent-encoded: a guest's console (its endpoint and the event stream's
 * {@code ?console=}) and the NBD exports are for operators, tokens and audit for admins.
 */
@SecuredServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneRulePerDataTest {

    private static final String ADMIN = SecuredServiceTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    BearerClient client;
    String viewer;
    String operator;
    String machine;

    @BeforeAll
    void tokensAndAMachine() {
        client = new BearerClient(port);
        viewer = client.issue(ADMIN, "rules-viewer", "viewer", null).get("token").asString();
        operator = client.issue(ADMIN, "rules-operator", "operator", null).get("token").asString();
        HttpResponse<String> created = client.send("POST", "/api/machines", ADMIN,
                "{\"name\":\"rules-" + UUID.randomUUID() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        machine = BearerClient.json(created).get("id").asString();
    }

    @Test
    void aViewerIsRefusedAGuestsConsoleOnEveryRouteMethodAndSpelling() {
        String m = machine;
        List<String> routes = List.of(
                "/api/machines/" + m + "/console",
                "/api/machines/" + m + "/console?tail=5",
                "/api/%6Dachines/" + m + "/console",
                "/api/machines/" + m + "/%63onsole",
                "/api/machines/" + m + "/consol%65",
                "/%61pi/machines/" + m + "/console",
                "/api/events?console=" + m,
                "/api/events?types=console&console=" + m,
                "/api/events?%63onsole=" + m,
                "/api/%65vents?console=" + m,
                "/api/event%73?console=" + m);
        for (String route : routes) {
            for (String method : List.of("GET", "HEAD")) {
                assertThat(client.send(method, route, viewer, null).statusCode()).as("%s %s as a viewer", method, route)
                        .isEqualTo(403);
            }
        }
    }

    @Test
    void theEncodedConsolePathsServeTheConsoleToOperators() {
        for (String route : List.of("/api/machines/" + machine + "/console", "/api/%6Dachines/" + machine + "/console",
                "/api/machines/" + machine + "/%63onsole")) {
            assertThat(client.send("GET", route, operator, null).statusCode()).as(route).isEqualTo(200);
            assertThat(client.send("HEAD", route, operator, null).statusCode()).as("HEAD " + route).isEqualTo(200);
        }
        assertThat(openStream("/api/events?console=" + machine, operator)).isEqualTo(200);
        assertThat(openStream("/api/events", viewer)).as("the stream without a console is a viewer's").isEqualTo(200);
    }

    @Test
    void aViewerIsRefusedTheExportsOnEverySpellingThatServesThem() {
        String id = UUID.randomUUID().toString();
        List<String> routes = List.of("/api/exports", "/api/%65xports", "/api/export%73", "/%61pi/exports",
                "/api/exports/" + id, "/api/%65xports/" + id,
                "/api/machines/" + machine + "/attachments/" + id + "/%65xports");
        for (String route : routes) {
            for (String method : List.of("GET", "HEAD")) {
                assertThat(client.send(method, route, viewer, null).statusCode()).as("%s %s as a viewer", method, route)
                        .isEqualTo(403);
            }
        }
        assertThat(client.send("GET", "/api/%65xports", operator, null).statusCode())
                .as("the encoded path lists the exports").isEqualTo(200);
    }

    @Test
    void adminReadsAndOperatorWritesAreRefusedBelowOnEncodedPathsToo() {
        for (String token : List.of(viewer, operator)) {
            for (String route : List.of("/api/%74okens", "/api/%61udit", "/api/%73torage/orphans")) {
                assertThat(client.send("GET", route, token, null).statusCode()).as(route).isEqualTo(403);
                assertThat(client.send("HEAD", route, token, null).statusCode()).as("HEAD " + route).isEqualTo(403);
            }
        }
        String id = UUID.randomUUID().toString();
        for (String route : List.of("/api/images/" + id + "/%63ontent", "/api/machines/" + machine + "/attachments/"
                + id + "/%64ata")) {
            assertThat(client.send("GET", route, viewer, null).statusCode()).as(route).isEqualTo(403);
            assertThat(client.send("HEAD", route, viewer, null).statusCode()).as("HEAD " + route).isEqualTo(403);
        }
        assertThat(client.send("POST", "/api/machines/" + machine + "/%73tart", viewer, null).statusCode()).isEqualTo(403);
    }

    @Test
    void pathsWithAnEncodedSeparatorPercentOrDotAreRefusedBeforeAnyRule() {
        for (String route : List.of("/api/machines%2F" + machine + "/console", "/api/machines/" + machine + "%5Cconsole",
                "/api/%2565xports", "/api/machines/" + machine + "/%2E%2E/" + machine + "/console")) {
            HttpResponse<String> refused = client.send("GET", route, viewer, null);
            assertThat(refused.statusCode()).as(route).isEqualTo(400);
        }
    }

    /** Opens an event stream, reads its status and closes it. */
    private int openStream(String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
