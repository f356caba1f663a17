package dev.diskfleet.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.FleetFaults;
import dev.diskfleet.FleetTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class FleetApiTest extends FleetTestSupport {

    @Autowired
    FleetFaults faults;

    @AfterEach
    void disarm() {
        faults.disarm();
    }

    private static List<String> names(JsonNode fleet) {
        List<String> names = new ArrayList<>();
        fleet.get("machines").forEach(machine -> names.add(machine.get("name").asString()));
        return names;
    }

    /** Bytes of an image's file in the storage root, as the file system reports them. */
    private long fileBytes(UUID imageId) {
        try (var files = java.nio.file.Files.list(storageRoot())) {
            java.nio.file.Path file = files.filter(f -> f.getFileName().toString().startsWith(imageId + "."))
                    .findFirst().orElseThrow();
            return java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> states(JsonNode fleet) {
        List<String> states = new ArrayList<>();
        fleet.get("machines").forEach(machine -> states.add(machine.get("state").asString()));
        return states;
    }

    @Test
    void deployingClonesTheGoldenAndGivesEveryMachineItsOwnDifferencingDiskOnTheClone() {
        UUID golden = goldenImage();
        String prefix = unique("pg");
        HttpResponse<String> accepted = postJson("/api/fleets", fleetJson(unique("fleet"), golden, 3, prefix, true));
        assertThat(accepted.headers().firstValue("Location").orElseThrow())
                .isEqualTo("/api/operations/" + json(accepted).get("id").asString());

        JsonNode operation = awaitOperation(accepted);
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");
        assertThat(operation.get("result").get("machines")).hasSize(3);
        operation.get("result").get("machines").forEach(machine -> {
            assertThat(machine.get("machineId").asString()).isNotBlank();
            assertThat(machine.get("state").asString()).isEqualTo("running");
        });
        JsonNode fleet = json(get(operation.get("resourceUrl").asString()));

        UUID base = UUID.fromString(fleet.get("baseImageId").asString());
        assertThat(base).isNotEqualTo(golden);
        JsonNode baseImage = json(get("/api/images/" + base));
        assertThat(baseImage.get("type").asString()).isEqualTo("immutable");
        assertThat(baseImage.get("parentId").isNull()).isTrue();
        assertThat(json(get("/api/images/" + golden)).get("type").asString()).isEqualTo("normal");
        assertThat(readDisk(base, 3L << 20, MARKER.length)).isEqualTo(MARKER);

        assertThat(names(fleet)).containsExactly(prefix + "-1", prefix + "-2", prefix + "-3");
        assertThat(states(fleet)).containsOnly("running");
        long disks = 0;
        for (JsonNode machine : fleet.get("machines")) {
            UUID disk = UUID.fromString(machine.get("diskImageId").asString());
            assertThat(json(get("/api/images/" + disk)).get("parentId").asString()).isEqualTo(base.toString());
            assertThat(readDisk(disk, 5L << 20, MARKER.length)).isEqualTo(MARKER);
            disks += machine.get("diskBytes").asLong();
        }
        JsonNode usage = fleet.get("usage");
        assertThat(usage.get("baseBytes").asLong()).isEqualTo(baseImage.get("allocatedBytes").asLong());
        assertThat(usage.get("machineDisksBytes").asLong()).isEqualTo(disks);
        // Judged by the files themselves, not by the service's own figures: three full copies of the golden
        // file, less what the base and the three machine disks occupy in the storage root.
        long goldenFile = fileBytes(golden);
        long diskFiles = 0;
        for (JsonNode machine : fleet.get("machines")) {
            diskFiles += fileBytes(UUID.fromString(machine.get("diskImageId").asString()));
        }
        assertThat(usage.get("savedBytes").asLong())
                .isEqualTo(3 * goldenFile - fileBytes(base) - diskFiles)
                // the test wrote every MiB of the 8 MiB golden, so two copies of that are saved at least
                .isGreaterThanOrEqualTo(2 * GOLDEN_SIZE - diskFiles);
    }

    @Test
    void scalingUpAddsTheNextNumbersAndScalingDownRemovesTheHighestWithTheirDisks() {
        UUID golden = goldenImage();
        String prefix = unique("sc");
        JsonNode fleet = deploy(unique("fleet"), golden, 2, prefix, false);
        String url = "/api/fleets/" + fleet.get("id").asString();

        JsonNode up = awaitOperation(patch(url, "{\"size\":4}"));
        assertThat(up.get("state").asString()).isEqualTo("succeeded");
        JsonNode scaled = json(get(url));
        assertThat(names(scaled)).containsExactly(prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4");
        assertThat(scaled.get("size").asInt()).isEqualTo(4);

        List<String> removedDisks = new ArrayList<>();
        List<String> removedMachines = new ArrayList<>();
        for (JsonNode machine : scaled.get("machines")) {
            if (machine.get("ordinal").asInt() > 1) {
                removedDisks.add(machine.get("diskImageId").asString());
                removedMachines.add(machine.get("machineId").asString());
            }
        }
        JsonNode down = awaitOperation(patch(url, "{\"size\":1}"));
        assertThat(down.get("state").asString()).isEqualTo("succeeded");
        assertThat(names(json(get(url)))).containsExactly(prefix + "-1");
        for (int i = 0; i < removedDisks.size(); i++) {
            assertThat(get("/api/machines/" + removedMachines.get(i)).statusCode()).isEqualTo(404);
            assertThat(get("/api/images/" + removedDisks.get(i)).statusCode()).isEqualTo(404);
            String disk = removedDisks.get(i);
            assertThat(storageFiles()).noneMatch(file -> file.startsWith(disk));
        }
    }

    @Test
    void scalingDownRunningMachinesNeedsForce() {
        String prefix = unique("run");
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, prefix, true);
        String url = "/api/fleets/" + fleet.get("id").asString();

        HttpResponse<String> refused = patch(url, "{\"size\":1}");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("detail").asString()).contains(prefix + "-2").contains(prefix + "-3")
                .contains("force=true");
        assertThat(names(json(get(url)))).hasSize(3);
        JsonNode forced = awaitOperation(patch(url + "?force=true", "{\"size\":1}"));
        assertThat(forced.get("state").asString()).isEqualTo("succeeded");
        assertThat(names(json(get(url)))).containsExactly(prefix + "-1");
    }

    @Test
    void aFleetBeingScaledRefusesOtherChangesWith409() throws Exception {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 1, unique("busy"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();
        CountDownLatch scaling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        faults.meddleAfterMachine(1, () -> {
            scaling.countDown();
            await(release);
        });
        HttpResponse<String> accepted = patch(url, "{\"size\":3}");
        assertThat(scaling.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> secondScale = patch(url, "{\"size\":5}");
        HttpResponse<String> delete = delete(url + "?force=true");
        HttpResponse<String> start = postJson(url + "/start", "");
        release.countDown();

        for (HttpResponse<String> refused : List.of(secondScale, delete, start)) {
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused).get("type").asString()).endsWith("/fleet-busy");
            assertThat(json(refused).get("detail").asString()).contains("scaling");
        }
        assertThat(awaitOperation(accepted).get("state").asString()).isEqualTo("succeeded");
        assertThat(names(json(get(url)))).hasSize(3);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void powerActionsAnswerOneResultPerMachine() {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, unique("pw"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();

        JsonNode started = json(postJson(url + "/start", ""));
        assertThat(started.get("succeeded").asInt()).isEqualTo(3);
        assertThat(started.get("results")).hasSize(3);
        started.get("results").forEach(result -> assertThat(result.get("state").asString()).isEqualTo("running"));
        assertThat(states(json(get(url)))).containsOnly("running");

        JsonNode reset = json(postJson(url + "/reset", ""));
        assertThat(reset.get("succeeded").asInt()).isEqualTo(3);
        reset.get("results").forEach(result -> assertThat(result.get("state").asString()).isEqualTo("running"));

        JsonNode stopped = json(postJson(url + "/stop", ""));
        assertThat(stopped.get("failed").asInt()).isZero();
        assertThat(states(json(get(url)))).containsOnly("poweredOff");
    }

    @Test
    void deletingAFleetRemovesItsMachinesDisksAndBaseButKeepsTheGolden() {
        UUID golden = goldenImage();
        JsonNode fleet = deploy(unique("fleet"), golden, 2, unique("del"), true);
        String url = "/api/fleets/" + fleet.get("id").asString();
        String base = fleet.get("baseImageId").asString();

        assertThat(delete(url).statusCode()).isEqualTo(409);
        assertThat(delete(url + "?force=true").statusCode()).isEqualTo(204);

        assertThat(get(url).statusCode()).isEqualTo(404);
        assertThat(get("/api/images/" + base).statusCode()).isEqualTo(404);
        for (JsonNode machine : fleet.get("machines")) {
            assertThat(get("/api/machines/" + machine.get("machineId").asString()).statusCode()).isEqualTo(404);
            assertThat(get("/api/images/" + machine.get("diskImageId").asString()).statusCode()).isEqualTo(404);
        }
        assertThat(storageFiles()).noneMatch(file -> file.startsWith(base));
        assertThat(get("/api/images/" + golden).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidDeploymentsAreRefusedWithProblemsAndCreateNothing() {
        UUID golden = goldenImage();
        String name = unique("fleet");
        HttpResponse<String> invalid = postJson("/api/fleets",
                "{\"name\":\"\",\"goldenImageId\":\"" + golden + "\",\"size\":0,\"machineNamePrefix\":\"bad prefix\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).get("errors").propertyNames()).contains("name", "size", "machineNamePrefix");

        HttpResponse<String> noGolden = postJson("/api/fleets", fleetJson(name, UUID.randomUUID(), 2, "x", false));
        assertThat(noGolden.statusCode()).isEqualTo(404);

        deploy(name, golden, 1, unique("dup"), false);
        HttpResponse<String> duplicate = postJson("/api/fleets", fleetJson(name, golden, 1, unique("dup"), false));
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(json(duplicate).get("detail").asString()).contains(name);
    }

    @Test
    void aPrefixWhoseMachineNamesAreTakenIsRefusedNamingTheMachines() {
        UUID golden = goldenImage();
        String prefix = unique("clash");
        deploy(unique("fleet"), golden, 2, prefix, false);

        HttpResponse<String> clash = postJson("/api/fleets", fleetJson(unique("fleet"), golden, 3, prefix, false));

        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(json(clash).get("detail").asString()).contains(prefix + "-1").contains(prefix + "-2");
    }

    @Test
    void aRetriedDeploymentWithTheSameIdempotencyKeyMakesOneFleet() {
        UUID golden = goldenImage();
        String name = unique("fleet");
        String body = fleetJson(name, golden, 2, unique("idem"), false);
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = postJson("/api/fleets", body, "Idempotency-Key", key);
        HttpResponse<String> retry = postJson("/api/fleets", body, "Idempotency-Key", key);

        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(json(retry).get("id")).isEqualTo(json(first).get("id"));
        assertThat(awaitOperation(first).get("state").asString()).isEqualTo("succeeded");
        long named = 0;
        for (JsonNode fleet : json(get("/api/fleets?size=500")).get("items")) {
            named += fleet.get("name").asString().equals(name) ? 1 : 0;
        }
        assertThat(named).isEqualTo(1);
    }
}
