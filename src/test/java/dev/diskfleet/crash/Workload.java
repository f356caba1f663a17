package dev.diskfleet.crash;

import dev.diskfleet.crash.WrittenDisk.Write;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One round of everything the service changes rows and files for, over HTTP, with names of its own: a
 * blank image, an upload, a clone, a machine with port forwards and the blank image attached, guest writes of tens of MiB,
 * snapshots taken, restored and deleted (merges), a fleet with forwards deployed, scaled up and down, started, written
 * and deleted, the machine deleted with a snapshot left (a merge), the images deleted. It records what the
 * machine's disk must read after every acknowledged change; while a request is unanswered, both the state
 * before it and the state after it are acceptable.
 */
final class Workload {

    static final long DISK_SIZE = 64L << 20;
    private static final int MIB = 1 << 20;

    private final Client api;
    private final String tag;
    private final int cycle;
    private final List<String> steps = new ArrayList<>();

    private String diskImageId;
    private String machineId;
    private String attachmentId;
    private boolean machineDeleted;
    private boolean diskDeleted;
    /** The disk's DELETE was sent: a kill after its commit but before its answer leaves it gone, unacknowledged. */
    private boolean diskDeleteSent;
    private WrittenDisk disk = WrittenDisk.BLANK;
    private WrittenDisk inFlight;

    Workload(Client api, int cycle) {
        this.api = api;
        this.cycle = cycle;
        this.tag = "c" + cycle;
    }

    /** Runs to the end, or until the service dies ({@link ServiceGone}); {@link #steps} says how far it got. */
    void run() {
        diskImageId = step("create image", () -> api.post("/api/images", Map.of("name", "disk-" + tag,
                "sizeBytes", DISK_SIZE, "format", "vdi", "type", "normal")).expectOk().path("id").asString());
        String uploadId = step("upload", () -> api.send("POST", "/api/images/uploads?name=up-" + tag + "&type=normal",
                BodyPublishers.ofByteArray(WrittenDisk.fill(200 + cycle % 50, 0, 2 * MIB)),
                "Content-Type", "application/octet-stream").expectOk().path("id").asString());
        String goldenId = step("clone", () -> {
            JsonNode op = api.post("/api/images/" + uploadId + "/clone", Map.of("name", "gold-" + tag, "format", "vdi",
                    "type", "normal")).expectOk();
            return lastSegment(succeeded(api.awaitOperation(op.path("id").asString())).path("resourceUrl").asString());
        });
        // a named host port (below every picked range, one per cycle) and a picked one
        machineId = step("create machine", () -> api.post("/api/machines", Map.of("name", "m-" + tag, "cpus", 1,
                "memoryMb", 256, "network", Map.of("forwards", List.of(Map.of("guestPort", 22, "hostPort",
                        19000 + cycle % 1000), Map.of("guestPort", 5432)))))
                .expectOk().path("id").asString());
        attachmentId = step("attach", () -> api.post("/api/machines/" + machineId + "/attachments",
                Map.of("imageId", diskImageId, "port", 0, "device", 0)).expectOk().path("id").asString());

        write(new Write(0, 24 * MIB, 1));
        String s1 = snapshot("s1");
        WrittenDisk atS1 = disk;
        write(new Write(16L * MIB, 24 * MIB, 2));
        String s2 = snapshot("s2");
        write(new Write(40L * MIB, MIB, 3));
        change("restore s1", atS1, () -> api.postEmpty(snapshots() + "/" + s1 + "/restore").expectOk());
        write(new Write(4L * MIB, 2 * MIB, 4));
        change("delete snapshot s2 (merge)", disk, () -> api.delete(snapshots() + "/" + s2).expectOk());
        change("delete snapshot s1 (merge)", disk, () -> api.delete(snapshots() + "/" + s1).expectOk());
        snapshot("s3");
        write(new Write(48L * MIB, MIB, 5));

        String fleetId = step("deploy fleet", () -> {
            JsonNode op = api.post("/api/fleets", Map.of("name", "f-" + tag, "goldenImageId", goldenId, "size", 3,
                    "machineNamePrefix", "f" + tag, "autoReset", true, "start", false, "network",
                    Map.of("forwards", List.of(Map.of("guestPort", 5432), Map.of("guestPort", 53, "protocol", "udp")))))
                    .expectOk();
            return lastSegment(succeeded(api.awaitOperation(op.path("id").asString())).path("resourceUrl").asString());
        });
        step("scale fleet up", () -> succeeded(api.awaitOperation(api.patch("/api/fleets/" + fleetId,
                Map.of("size", 5)).expectOk().path("id").asString())));
        step("scale fleet down", () -> succeeded(api.awaitOperation(api.patch("/api/fleets/" + fleetId
                + "?force=true", Map.of("size", 2)).expectOk().path("id").asString())));
        step("start fleet", () -> succeeded(api.awaitOperation(api.postEmpty("/api/fleets/" + fleetId + "/start")
                .expectOk().path("id").asString())));
        step("write into a fleet member", () -> {
            JsonNode member = api.get("/api/fleets/" + fleetId).expectOk().path("machines").get(0);
            return api.send("PUT", "/api/machines/" + member.path("machineId").asString() + "/attachments/"
                    + member.path("attachmentId").asString() + "/data", BodyPublishers.ofByteArray(
                    WrittenDisk.fill(9, 0, MIB)), "Content-Type", "application/octet-stream",
                    "Content-Range", "bytes 0-" + (MIB - 1) + "/*").expectOk();
        });
        step("delete fleet", () -> succeeded(api.awaitOperation(api.delete("/api/fleets/" + fleetId + "?force=true")
                .expectOk().path("id").asString())));

        inFlight = disk;
        step("delete machine (merge of s3)", () -> api.delete("/api/machines/" + machineId).expectOk());
        machineDeleted = true;
        inFlight = null;
        step("delete upload", () -> api.delete("/api/images/" + uploadId).expectOk());
        step("delete golden", () -> api.delete("/api/images/" + goldenId).expectOk());
        checkDiskNow();
        diskDeleteSent = true;
        step("delete disk image", () -> api.delete("/api/images/" + diskImageId).expectOk());
        diskDeleted = true;
    }

    List<String> steps() {
        return steps;
    }

    /**
     * What the machine's disk must read now, after a restart: violations, empty when it reads as one of the
     * states it may be in. Nothing to check before the disk existed or after it was deleted.
     */
    List<String> checkDisk(Client client) {
        if (diskImageId == null || attachmentId == null || diskDeleted) {
            return List.of();
        }
        List<WrittenDisk> acceptable = inFlight == null ? List.of(disk) : List.of(disk, inFlight);
        String path;
        Client.Answer machine = client.get("/api/machines/" + machineId);
        if (machine.status() == 200 && !machineDeleted) {
            path = "/api/machines/" + machineId + "/attachments/" + attachmentId + "/data";
        } else {
            path = "/api/images/" + diskImageId + "/content";
            if (client.get("/api/images/" + diskImageId).status() == 404) {
                return diskDeleteSent ? List.of()
                        : List.of("the disk image " + diskImageId + " of cycle " + cycle + " is gone, never deleted");
            }
        }
        List<String> problems = new ArrayList<>();
        for (WrittenDisk candidate : acceptable) {
            problems.clear();
            for (long[] probe : candidate.probes(DISK_SIZE)) {
                Client.Answer read = client.get(path, "Range", "bytes=" + probe[0] + "-" + (probe[0] + probe[1] - 1));
                if (read.status() != 206) {
                    problems.add("read " + path + " " + probe[0] + "+" + probe[1] + ": " + read.status() + " " + read.text());
                } else if (!java.util.Arrays.equals(read.body(), candidate.expected(probe[0], (int) probe[1]))) {
                    problems.add("cycle " + cycle + ": " + path + " at " + probe[0] + " does not read what was written");
                }
            }
            if (problems.isEmpty()) {
                return List.of();
            }
        }
        return List.copyOf(problems);
    }

    private void checkDiskNow() {
        List<String> problems = checkDisk(api);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("before any kill: " + problems);
        }
    }

    private void write(Write write) {
        change("write " + write.length() / MIB + " MiB at " + write.offset() / MIB + " MiB", disk.plus(write),
                () -> api.send("PUT", "/api/machines/" + machineId + "/attachments/" + attachmentId + "/data",
                        BodyPublishers.ofByteArray(WrittenDisk.fill(write.tag(), write.offset(), write.length())),
                        "Content-Type", "application/octet-stream", "Content-Range",
                        "bytes " + write.offset() + "-" + (write.offset() + write.length() - 1) + "/*").expectOk());
    }

    private String snapshot(String name) {
        return change("snapshot " + name, disk, () -> api.post(snapshots(), Map.of("name", name)).expectOk()
                .path("id").asString());
    }

    /** A step that changes the disk: until it is answered the disk may read as before or as after. */
    private <T> T change(String name, WrittenDisk after, java.util.function.Supplier<T> request) {
        inFlight = after;
        T result = step(name, request);
        disk = after;
        inFlight = null;
        return result;
    }

    private <T> T step(String name, java.util.function.Supplier<T> request) {
        steps.add(name);
        return request.get();
    }

    private String snapshots() {
        return "/api/machines/" + machineId + "/snapshots";
    }

    private static JsonNode succeeded(JsonNode operation) {
        if (!operation.path("state").asString().equals("succeeded")) {
            throw new IllegalStateException("operation failed: " + operation);
        }
        return operation;
    }

    private static String lastSegment(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
