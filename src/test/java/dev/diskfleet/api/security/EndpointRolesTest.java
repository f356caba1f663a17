package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint group against every role: the roles below an endpoint's lowest role are refused with
 * 403, that role and the ones above it get past authorization (whatever the handler then answers about the
 * made-up ids), and without a token everything but the public pages is 401.
 */
@SecuredServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointRolesTest {

    private static final List<String> ROLES = List.of("viewer", "operator", "admin");
    private static final String ID = UUID.randomUUID().toString();
    private static final String JSON_BODY = "{}";

    @LocalServerPort
    int port;

    BearerClient client;
    final Map<String, String> tokens = new java.util.HashMap<>();

    @BeforeAll
    void issueOneTokenPerRole() {
        client = new BearerClient(port);
        for (String role : ROLES) {
            tokens.put(role, client.issue(SecuredServiceTest.ADMIN_TOKEN, "roles-" + role, role, null)
                    .get("token").asString());
        }
    }

    /** (method, path, lowest role allowed). Ids are made up: authorization is decided before the handler. */
    static Stream<Arguments> endpoints() {
        String m = "/api/machines/" + ID;
        return Stream.of(
                // metadata reads: viewer
                Arguments.of("GET", "/api/images", "viewer"),
                Arguments.of("GET", "/api/images/" + ID, "viewer"),
                Arguments.of("HEAD", "/api/images/" + ID, "viewer"),
                Arguments.of("GET", "/api/machines", "viewer"),
                Arguments.of("GET", m, "viewer"),
                Arguments.of("GET", m + "/attachments", "viewer"),
                Arguments.of("GET", m + "/attachments/" + ID, "viewer"),
                Arguments.of("GET", m + "/snapshots", "viewer"),
                Arguments.of("GET", m + "/snapshots/" + ID, "viewer"),
                Arguments.of("GET", "/api/fleets", "viewer"),
                Arguments.of("GET", "/api/fleets/" + ID, "viewer"),
                Arguments.of("GET", "/api/operations", "viewer"),
                Arguments.of("GET", "/api/operations/" + ID, "viewer"),
                Arguments.of("GET", "/api/operations/" + ID + "/wait?timeout=0", "viewer"),
                Arguments.of("GET", "/api/images/tree", "viewer"),
                Arguments.of("GET", "/api/session", "viewer"),
                // disk bytes, power, snapshots, exports: operator
                Arguments.of("GET", "/api/images/" + ID + "/content", "operator"),
                Arguments.of("GET", m + "/attachments/" + ID + "/data", "operator"),
                Arguments.of("PUT", m + "/attachments/" + ID + "/data", "operator"),
                Arguments.of("POST", m + "/start", "operator"),
                Arguments.of("POST", m + "/stop", "operator"),
                Arguments.of("POST", m + "/reset", "operator"),
                Arguments.of("POST", "/api/fleets/" + ID + "/start", "operator"),
                Arguments.of("POST", "/api/fleets/" + ID + "/stop", "operator"),
                Arguments.of("POST", "/api/fleets/" + ID + "/reset", "operator"),
                Arguments.of("POST", m + "/snapshots", "operator"),
                Arguments.of("POST", m + "/snapshots/" + ID + "/restore", "operator"),
                Arguments.of("DELETE", m + "/snapshots/" + ID, "operator"),
                Arguments.of("GET", m + "/attachments/" + ID + "/exports", "operator"),
                // everything else: admin
                Arguments.of("POST", "/api/images", "admin"),
                Arguments.of("PATCH", "/api/images/" + ID, "admin"),
                Arguments.of("DELETE", "/api/images/" + ID, "admin"),
                Arguments.of("POST", "/api/images/" + ID + "/clone", "admin"),
                Arguments.of("POST", "/api/images/" + ID + "/check", "admin"),
                Arguments.of("POST", "/api/machines", "admin"),
                Arguments.of("PATCH", m, "admin"),
                Arguments.of("DELETE", m, "admin"),
                Arguments.of("POST", m + "/attachments", "admin"),
                Arguments.of("DELETE", m + "/attachments/" + ID, "admin"),
                Arguments.of("POST", "/api/fleets", "admin"),
                Arguments.of("PATCH", "/api/fleets/" + ID, "admin"),
                Arguments.of("DELETE", "/api/fleets/" + ID, "admin"),
                Arguments.of("GET", "/api/tokens", "admin"),
                Arguments.of("GET", "/api/tokens/" + ID, "admin"),
                Arguments.of("POST", "/api/tokens", "admin"),
                Arguments.of("DELETE", "/api/tokens/" + ID, "admin"),
                Arguments.of("GET", "/api/audit", "admin"),
                Arguments.of("GET", "/api/storage/orphans", "admin"),
                Arguments.of("GET", "/actuator/info", "admin"),
                Arguments.of("GET", "/actuator/prometheus", "admin"),
                Arguments.of("POST", "/api/no-such-thing", "admin"));
    }

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @MethodSource("endpoints")
    void rolesBelowTheLowestAllowedAreRefusedAndTheRestGetThrough(String method, String path, String lowest) {
        int allowedFrom = ROLES.indexOf(lowest);
        for (int i = 0; i < ROLES.size(); i++) {
            String role = ROLES.get(i);
            HttpResponse<String> response = client.send(method, path, tokens.get(role), bodyFor(method));
            if (i < allowedFrom) {
                assertThat(response.statusCode()).as("%s %s as %s", method, path, role).isEqualTo(403);
            } else {
                assertThat(response.statusCode()).as("%s %s as %s: %s", method, path, role, response.body())
                        .isNotIn(401, 403);
            }
        }
        assertThat(client.send(method, path, null, bodyFor(method)).statusCode())
                .as("%s %s without a token", method, path).isEqualTo(401);
    }

    @Test
    void healthTheApiDocumentAndSwaggerUiNeedNoToken() {
        assertThat(client.get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(client.get("/v3/api-docs", null).statusCode()).isEqualTo(200);
        assertThat(client.get("/swagger-ui.html", null).statusCode()).isIn(200, 302);
        assertThat(client.get("/swagger-ui/index.html", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theApiDocumentDeclaresABearerSchemeRequiredByEveryOperation() {
        JsonNode document = BearerClient.json(client.get("/v3/api-docs", null));
        JsonNode scheme = document.path("components").path("securitySchemes").path("bearer");
        assertThat(scheme.path("type").asString()).isEqualTo("http");
        assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asString()).isEqualTo("opaque token");
        assertThat(document.path("security").toString()).isEqualTo("[{\"bearer\":[]}]");
    }

    private static String bodyFor(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("DELETE") ? null : JSON_BODY;
    }
}
