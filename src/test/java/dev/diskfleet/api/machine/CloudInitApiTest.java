package dev.diskfleet.api.machine;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A machine's cloud-init setting over HTTP: set on create, changed by PATCH while powered off, given to
 * every member of a fleet; user-data is shown as its SHA-256 only; what breaks a rule is a 400 or 413
 * problem that leaves nothing made. (What the guest reads from the seed: {@code SeededFleetTest}.)
 */
class CloudInitApiTest extends FullStackTest {

    private static final String USER_DATA = "#cloud-config\nchpasswd: {list: 'root:hunter2-" + UUID.randomUUID() + "'}\n";

    @Test
    void aMachineIsCreatedWithItsCloudInitAndShowsOnlyTheUserDatasSha256() {
        Reply created = api.post("/api/machines", body("name", unique("ci"), "cloudInit", body(
                "metaData", Map.of("role", "primary", "zone", "a:b \"c\""), "userData", USER_DATA,
                "networkConfig", "version: 2\n"))).expect(201);

        JsonNode cloudInit = created.json().path("cloudInit");
        assertThat(cloudInit.path("enabled").asBoolean()).isTrue();
        assertThat(cloudInit.path("metaData").path("role").asString()).isEqualTo("primary");
        assertThat(cloudInit.path("metaData").path("zone").asString()).isEqualTo("a:b \"c\"");
        assertThat(cloudInit.path("userDataSha256").asString()).isEqualTo(sha256(USER_DATA));
        assertThat(cloudInit.path("networkConfig").asString()).isEqualTo("version: 2\n");
        assertThat(cloudInit.has("userData")).isFalse();
        assertThat(created.text()).doesNotContain("hunter2");
        String id = created.json().path("id").asString();
        assertThat(api.get("/api/machines/" + id).expect(200).text()).doesNotContain("hunter2");
        assertThat(api.get("/api/machines?name=" + created.json().path("name").asString()).expect(200).text())
                .doesNotContain("hunter2").contains(sha256(USER_DATA));
        api.delete("/api/machines/" + id).expect(204);
        api.get("/api/machines/" + id).expect(404);
    }

    @Test
    void aMachineWithoutCloudInitGetsTheDefaultSeed() {
        JsonNode cloudInit = api.post("/api/machines", body("name", unique("plain"))).expect(201).json()
                .path("cloudInit");

        assertThat(cloudInit.path("enabled").asBoolean()).isTrue();
        assertThat(cloudInit.path("metaData").isEmpty()).isTrue();
        assertThat(cloudInit.path("userDataSha256").isNull()).isTrue();
        assertThat(cloudInit.path("networkConfig").isNull()).isTrue();
    }

    @Test
    void aPatchChangesOnlyTheFieldsItNamesAndOnlyWhilePoweredOff() {
        UUID machine = id(api.post("/api/machines", body("name", unique("patched"), "cloudInit", body(
                "metaData", Map.of("role", "primary"), "userData", USER_DATA))).expect(201).json(), "id");

        JsonNode off = api.patch("/api/machines/" + machine, body("cloudInit", body("enabled", false))).expect(200)
                .json().path("cloudInit");
        assertThat(off.path("enabled").asBoolean()).isFalse();
        assertThat(off.path("metaData").path("role").asString()).isEqualTo("primary");
        assertThat(off.path("userDataSha256").asString()).isEqualTo(sha256(USER_DATA));

        JsonNode replaced = api.patch("/api/machines/" + machine, body("cloudInit", body("enabled", true,
                "metaData", Map.of("tier", "cache"), "userData", ""))).expect(200).json().path("cloudInit");
        assertThat(replaced.path("metaData").propertyNames()).containsExactly("tier");
        assertThat(replaced.path("userDataSha256").isNull()).as("an empty user-data removes it").isTrue();

        power(machine, "start");
        assertProblem(api.patch("/api/machines/" + machine, body("cloudInit", body("userData", USER_DATA))), 409,
                "machine-running", "cloud-init");
        assertThat(api.patch("/api/machines/" + machine, body("description", "running", "cloudInit",
                body("enabled", true))).status()).as("a cloud-init PATCH that changes nothing is no change").isEqualTo(200);
        power(machine, "stop");
        assertThat(api.patch("/api/machines/" + machine, body("cloudInit", body("userData", USER_DATA))).expect(200)
                .json().path("cloudInit").path("userDataSha256").asString()).isEqualTo(sha256(USER_DATA));
    }

    @Test
    void userDataOverTheLimitIsRefusedWith413AndNothingIsMade() {
        String name = unique("big");
        String big = "#cloud-config\n# " + "x".repeat(64 * 1024) + "\n";

        String detail = api.post("/api/machines", body("name", name, "cloudInit", body("userData", big)))
                .expectProblem(413, "user-data-too-large");
        assertThat(detail).contains("65536", "diskfleet.limits.max-user-data").doesNotContain("xxxx");
        assertThat(api.get("/api/machines?name=" + name).expect(200).json().path("items").isEmpty()).isTrue();

        UUID machine = createMachine();
        api.patch("/api/machines/" + machine, body("cloudInit", body("networkConfig", big)))
                .expectProblem(413, "network-config-too-large");

        UUID golden = goldenImage(new byte[4096]);
        String fleet = unique("bigfleet");
        api.post("/api/fleets", body("name", fleet, "goldenImageId", golden.toString(), "size", 2,
                "machineNamePrefix", fleet, "cloudInit", body("userData", big))).expectProblem(413, "user-data-too-large");
        assertThat(api.get("/api/fleets").expect(200).text()).doesNotContain(fleet);
        assertThat(api.get("/api/machines?name=" + fleet).expect(200).json().path("items").isEmpty()).isTrue();
    }

    @Test
    void metaDataCannotSetTheSeedsOwnKeysNorUseKeysYamlWouldMangle() {
        assertProblem(api.post("/api/machines", body("name", unique("reserved"), "cloudInit",
                body("metaData", Map.of("local-hostname", "evil")))), 400, "reserved-meta-data-key", "local-hostname");
        JsonNode problem = assertProblem(api.post("/api/machines", body("name", unique("badkey"), "cloudInit",
                body("metaData", Map.of("a key: with\nnewline", "x")))), 400, "validation");
        assertThat(problem.path("errors").toString()).contains("cloudInit.metaData");
    }

    @Test
    void everyMemberOfAFleetGetsTheFleetsCloudInitAlsoAfterAScale() {
        UUID golden = goldenImage(new byte[4096]);
        String name = unique("cifleet");
        String operation = api.post("/api/fleets", body("name", name, "goldenImageId", golden.toString(), "size", 2,
                "machineNamePrefix", name, "cloudInit", body("metaData", Map.of("role", "replica"),
                        "userData", USER_DATA))).expect(202).header("Location").orElseThrow();
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        String fleet = done.path("targetId").asString();
        JsonNode scaled = api.awaitOperation(api.patch("/api/fleets/" + fleet, body("size", 3)).expect(202)
                .header("Location").orElseThrow());
        assertThat(scaled.path("state").asString()).as(scaled.toString()).isEqualTo("succeeded");

        JsonNode shown = api.get("/api/fleets/" + fleet).expect(200).json();
        assertThat(shown.path("memberCloudInit").path("metaData").path("role").asString()).isEqualTo("replica");
        assertThat(shown.path("memberCloudInit").path("userDataSha256").asString()).isEqualTo(sha256(USER_DATA));
        assertThat(shown.toString()).doesNotContain("hunter2");
        JsonNode members = shown.path("machines");
        assertThat(members).hasSize(3);
        for (JsonNode member : members) {
            JsonNode cloudInit = api.get("/api/machines/" + member.path("machineId").asString()).expect(200).json()
                    .path("cloudInit");
            assertThat(cloudInit.path("metaData").path("role").asString()).isEqualTo("replica");
            assertThat(cloudInit.path("userDataSha256").asString()).isEqualTo(sha256(USER_DATA));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
