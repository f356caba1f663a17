package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FleetFaults;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class FleetApiTest extends FullStackFleetTest {

    @Autowired
    FleetFaults faults;

    @Autowired
    Guests guests;

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
        Reply accepted = api.post("/api/fleets", fleetJson(unique("fleet"), golden, 3, prefix, true));
        assertThat(accepted.header("Location").orElseThrow())
                .isEqualTo("/api/operations/" + accepted.json().get("id").asString());

        JsonNode operation = awaitOperation(accepted);
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");
        assertThat(operation.get("result").get("machines")).hasSize(3);
        operation.get("result").get("machines").forEach(machine -> {
            assertThat(machine.get("machineId").asString()).isNotBlank();
            assertThat(machine.get("state").asString()).isEqualTo("running");
        });
        JsonNode fleet = api.get(operation.get("resourceUrl").asString()).json();

        UUID base = UUID.fromString(fleet.get("baseImageId").asString());
        assertThat(base).isNotEqualTo(golden);
        JsonNode baseImage = api.get("/api/images/" + base).json();
        assertThat(baseImage.get("type").asString()).isEqualTo("immutable");
        assertThat(baseImage.get("parentId").isNull()).isTrue();
        assertThat(api.get("/api/images/" + golden).json().get("type").asString()).isEqualTo("normal");
        assertThat(readDisk(base, 3L << 20, MARKER.length)).isEqualTo(MARKER);

        assertThat(names(fleet)).containsExactly(prefix + "-1", prefix + "-2", prefix + "-3");
        assertThat(states(fleet)).containsOnly("running");
        long disks = 0;
        for (JsonNode machine : fleet.get("machines")) {
            UUID disk = UUID.fromString(machine.get("diskImageId").asString());
            assertThat(api.get("/api/images/" + disk).json().get("parentId").asString()).isEqualTo(base.toString());
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

        JsonNode up = awaitOperation(api.patch(url, "{\"size\":4}"));
        assertThat(up.get("state").asString()).isEqualTo("succeeded");
        JsonNode scaled = api.get(url).json();
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
        JsonNode down = awaitOperation(api.patch(url, "{\"size\":1}"));
        assertThat(down.get("state").asString()).isEqualTo("succeeded");
        assertThat(names(api.get(url).json())).containsExactly(prefix + "-1");
        for (int i = 0; i < removedDisks.size(); i++) {
            assertThat(api.get("/api/machines/" + removedMachines.get(i)).status()).isEqualTo(404);
            assertThat(api.get("/api/images/" + removedDisks.get(i)).status()).isEqualTo(404);
            String disk = removedDisks.get(i);
            assertThat(storageFiles()).noneMatch(file -> file.startsWith(disk));
        }
    }

    @Test
    void scalingDownRunningMachinesNeedsForce() {
        String prefix = unique("run");
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, prefix, true);
        String url = "/api/fleets/" + fleet.get("id").asString();

        Reply refused = api.patch(url, "{\"size\":1}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains(prefix + "-2").contains(prefix + "-3")
                .contains("force=true");
        assertThat(names(api.get(url).json())).hasSize(3);
        JsonNode forced = awaitOperation(api.patch(url + "?force=true", "{\"size\":1}"));
        assertThat(forced.get("state").asString()).isEqualTo("succeeded");
        assertThat(names(api.get(url).json())).containsExactly(prefix + "-1");
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
        Reply accepted = api.patch(url, "{\"size\":3}");
        assertThat(scaling.await(30, TimeUnit.SECONDS)).isTrue();

        Reply secondScale = api.patch(url, "{\"size\":5}");
        Reply delete = api.delete(url + "?force=true");
        Reply start = api.post(url + "/start", "");
        release.countDown();

        for (Reply refused : List.of(secondScale, delete, start)) {
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().get("type").asString()).endsWith("/fleet-busy");
            assertThat(refused.json().get("detail").asString()).contains("scaling");
        }
        assertThat(awaitOperation(accepted).get("state").asString()).isEqualTo("succeeded");
        assertThat(names(api.get(url).json())).hasSize(3);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a fleet power action, checks it is accepted as an operation and returns the finished operation. */
    private JsonNode powered(String fleetUrl, String action) {
        Reply accepted = api.postEmpty(fleetUrl + "/" + action);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        assertThat(accepted.json().get("kind").asString()).isEqualTo("fleet." + action);
        assertThat(accepted.header("Location").orElseThrow())
                .isEqualTo("/api/operations/" + accepted.json().get("id").asString());
        return awaitOperation(accepted);
    }

    private static List<String> results(JsonNode operation) {
        List<String> results = new ArrayList<>();
        operation.get("result").get("machines").forEach(machine -> results.add(machine.get("result").asString()));
        return results;
    }

    @Test
    void powerActionsAreOperationsWithOneResultPerMachine() {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, unique("pw"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();

        JsonNode started = powered(url, "start");
        assertThat(started.get("state").asString()).as(started.toString()).isEqualTo("succeeded");
        assertThat(started.get("progress").asInt()).isEqualTo(100);
        JsonNode result = started.get("result");
        assertThat(result.get("done").asInt()).isEqualTo(3);
        assertThat(result.get("total").asInt()).isEqualTo(3);
        assertThat(result.get("succeeded").asInt()).isEqualTo(3);
        assertThat(result.get("machines")).hasSize(3);
        result.get("machines").forEach(member -> assertThat(member.get("state").asString()).isEqualTo("running"));
        assertThat(states(api.get(url).json())).containsOnly("running");

        JsonNode reset = powered(url, "reset");
        assertThat(reset.get("result").get("succeeded").asInt()).isEqualTo(3);
        reset.get("result").get("machines").forEach(member -> assertThat(member.get("state").asString()).isEqualTo("running"));

        JsonNode stopped = powered(url, "stop");
        assertThat(stopped.get("state").asString()).isEqualTo("succeeded");
        assertThat(stopped.get("result").get("failed").asInt()).isZero();
        assertThat(states(api.get(url).json())).containsOnly("poweredOff");
    }

    @Test
    void stoppingAStoppedFleetAgainSucceedsWithEveryMachineUnchanged() {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, unique("st2"), true);
        String url = "/api/fleets/" + fleet.get("id").asString();

        JsonNode first = powered(url, "stop");
        assertThat(first.get("result").get("succeeded").asInt()).isEqualTo(3);
        JsonNode second = powered(url, "stop");

        assertThat(second.get("state").asString()).as(second.toString()).isEqualTo("succeeded");
        JsonNode result = second.get("result");
        assertThat(result.get("unchanged").asInt()).isEqualTo(3);
        assertThat(result.get("succeeded").asInt()).isZero();
        assertThat(result.get("failed").asInt()).isZero();
        assertThat(results(second)).containsOnly("unchanged");
        assertThat(states(api.get(url).json())).containsOnly("poweredOff");
    }

    @Test
    void startingAFleetWithOneMachineRunningReportsThatOneUnchanged() {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, unique("st1"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();
        power(id(fleet.get("machines").get(1), "machineId"), "start");

        JsonNode started = powered(url, "start");

        assertThat(started.get("state").asString()).as(started.toString()).isEqualTo("succeeded");
        assertThat(results(started)).containsExactly("succeeded", "unchanged", "succeeded");
        assertThat(started.get("result").get("unchanged").asInt()).isEqualTo(1);
        assertThat(started.get("result").get("failed").asInt()).isZero();
        assertThat(states(api.get(url).json())).containsOnly("running");
    }

    @Test
    void aFleetPowerOperationShowsEachMachineAsItsActionEnds() throws Exception {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 3, unique("prog"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();
        UUID third = id(fleet.get("machines").get(2), "machineId");
        // Another power action holds the third machine: the fleet start finishes the first two and waits.
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> guests.withPowerLock(third, () -> {
            held.countDown();
            await(release);
            return null;
        }));
        holder.start();
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            Reply accepted = api.postEmpty(url + "/start").expect(202);
            String operationUrl = accepted.header("Location").orElseThrow();

            JsonNode during = pollUntil(operationUrl, operation -> operation.path("result").path("done").asInt() == 2);
            assertThat(during.get("state").asString()).isEqualTo("running");
            assertThat(during.get("progress").asInt()).isEqualTo(66);
            assertThat(during.get("result").get("total").asInt()).isEqualTo(3);
            assertThat(results(during)).containsExactly("succeeded", "succeeded", "pending");

            release.countDown();
            JsonNode after = awaitOperation(accepted);
            assertThat(after.get("state").asString()).isEqualTo("succeeded");
            assertThat(after.get("result").get("done").asInt()).isEqualTo(3);
            assertThat(results(after)).containsOnly("succeeded");
        } finally {
            release.countDown();
            holder.join(30_000);
        }
    }

    private JsonNode pollUntil(String url, java.util.function.Predicate<JsonNode> reached) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode current = api.get(url).expect(200).json();
        while (!reached.test(current)) {
            assertThat(System.nanoTime()).as("not reached in 30 s: " + current).isLessThan(deadline);
            Thread.sleep(20);
            current = api.get(url).expect(200).json();
        }
        return current;
    }

    @Test
    void aFleetIsReadAPageOfMachinesAtATimeWithTheTotalsOfAll() {
        JsonNode fleet = deploy(unique("paged"), goldenImage(), 5, unique("pg"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();

        JsonNode page = api.get(url + "?page=1&size=2").expect(200).json();

        assertThat(page.get("machines")).extracting(machine -> machine.get("ordinal").asInt()).containsExactly(3, 4);
        assertThat(page.get("machinesPage").get("page").asInt()).isEqualTo(1);
        assertThat(page.get("machinesPage").get("size").asInt()).isEqualTo(2);
        assertThat(page.get("machinesPage").get("totalItems").asLong()).isEqualTo(5);
        assertThat(page.get("machinesPage").get("totalPages").asInt()).isEqualTo(3);
        assertThat(page.get("usage")).as("the usage counts every machine, whatever the page").isEqualTo(fleet.get("usage"));
        assertThat(fleet.get("machines")).as("by default every machine").hasSize(5);
        assertThat(api.get(url + "?page=3&size=2").expect(200).json().get("machines")).isEmpty();
        assertThat(api.get(url + "?size=0").status()).isEqualTo(400);
        deleteFleet(url);
    }

    @Test
    void deletingAFleetRemovesItsMachinesDisksAndBaseButKeepsTheGolden() {
        UUID golden = goldenImage();
        JsonNode fleet = deploy(unique("fleet"), golden, 2, unique("del"), true);
        String url = "/api/fleets/" + fleet.get("id").asString();
        String base = fleet.get("baseImageId").asString();
        for (JsonNode machine : fleet.get("machines")) {
            assertThat(runDirectory(id(machine, "machineId"))).as("a started member's run directory").isDirectory();
        }

        assertThat(api.delete(url).status()).isEqualTo(409);
        Reply accepted = api.delete(url + "?force=true");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Location")).contains("/api/operations/" + accepted.json().get("id").asString());
        JsonNode operation = api.awaitOperation(accepted.header("Location").orElseThrow());
        assertThat(operation.get("kind").asString()).isEqualTo("fleet.delete");
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");

        assertThat(api.get(url).status()).isEqualTo(404);
        assertThat(api.get("/api/images/" + base).status()).isEqualTo(404);
        for (JsonNode machine : fleet.get("machines")) {
            assertThat(api.get("/api/machines/" + machine.get("machineId").asString()).status()).isEqualTo(404);
            assertThat(api.get("/api/images/" + machine.get("diskImageId").asString()).status()).isEqualTo(404);
            assertThat(runDirectory(id(machine, "machineId"))).doesNotExist();
        }
        assertThat(storageFiles()).noneMatch(file -> file.startsWith(base));
        assertThat(api.get("/api/images/" + golden).status()).isEqualTo(200);
    }

    @Test
    void invalidDeploymentsAreRefusedWithProblemsAndCreateNothing() {
        UUID golden = goldenImage();
        String name = unique("fleet");
        Reply invalid = api.post("/api/fleets",
                "{\"name\":\"\",\"goldenImageId\":\"" + golden + "\",\"size\":0,\"machineNamePrefix\":\"bad prefix\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").propertyNames()).contains("name", "size", "machineNamePrefix");

        Reply noGolden = api.post("/api/fleets", fleetJson(name, UUID.randomUUID(), 2, "x", false));
        assertThat(noGolden.status()).isEqualTo(404);

        deploy(name, golden, 1, unique("dup"), false);
        Reply duplicate = api.post("/api/fleets", fleetJson(name, golden, 1, unique("dup"), false));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("detail").asString()).contains(name);
    }

    @Test
    void aPrefixWhoseMachineNamesAreTakenIsRefusedNamingTheMachines() {
        UUID golden = goldenImage();
        String prefix = unique("clash");
        deploy(unique("fleet"), golden, 2, prefix, false);

        Reply clash = api.post("/api/fleets", fleetJson(unique("fleet"), golden, 3, prefix, false));

        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.json().get("detail").asString()).contains(prefix + "-1").contains(prefix + "-2");
    }

    @Test
    void aRetriedDeploymentWithTheSameIdempotencyKeyMakesOneFleet() {
        UUID golden = goldenImage();
        String name = unique("fleet");
        String body = fleetJson(name, golden, 2, unique("idem"), false);
        String key = UUID.randomUUID().toString();

        Reply first = api.post("/api/fleets", body, "Idempotency-Key", key);
        Reply retry = api.post("/api/fleets", body, "Idempotency-Key", key);

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(awaitOperation(first).get("state").asString()).isEqualTo("succeeded");
        long named = 0;
        for (JsonNode fleet : api.get("/api/fleets?size=500").json().get("items")) {
            named += fleet.get("name").asString().equals(name) ? 1 : 0;
        }
        assertThat(named).isEqualTo(1);
    }
}
