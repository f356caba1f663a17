package dev.diskfleet.crash;

import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What must hold after a restart, whatever the kill interrupted: no orphan file and no temporary file; every
 * host port given out is one existing machine's alone; every
 * image ready, its file clean (no corruption, no leaked unit) by the service's check and, for a base image,
 * by {@code qemu-img check}; every
 * fleet ready with its size in machines; every machine's disks readable through their chains; no operation
 * left queued or running. Each broken promise is one line of the answer.
 */
final class Invariants {

    private Invariants() {
    }

    static List<String> check(Client api, Path storageRoot) {
        List<String> problems = new ArrayList<>();
        JsonNode orphans = api.get("/api/storage/orphans").expectOk().path("files");
        for (JsonNode orphan : orphans) {
            problems.add("orphan file " + orphan.path("fileName").asString());
        }
        for (Path temp : temporaryFiles(storageRoot)) {
            problems.add("temporary file left: " + temp.getFileName());
        }
        for (JsonNode image : all(api, "/api/images")) {
            checkImage(api, storageRoot, image, problems);
        }
        for (JsonNode fleet : all(api, "/api/fleets")) {
            String state = fleet.path("state").asString();
            int machines = fleet.path("machines").size();
            if (!state.equals("ready") || machines != fleet.path("size").asInt()) {
                problems.add("fleet " + fleet.path("name").asString() + " is " + state + " with " + machines + " of "
                        + fleet.path("size").asInt() + " machines");
            }
        }
        checkHostPorts(api, problems);
        for (JsonNode machine : all(api, "/api/machines")) {
            String id = machine.path("id").asString();
            for (JsonNode attachment : api.get("/api/machines/" + id + "/attachments").expectOk()) {
                String path = "/api/machines/" + id + "/attachments/" + attachment.path("id").asString() + "/data";
                Client.Answer read = api.get(path, "Range", "bytes=0-4095");
                if (read.status() != 206) {
                    problems.add("machine " + machine.path("name").asString() + ": " + path + " answers "
                            + read.status() + " " + read.text());
                }
            }
        }
        for (JsonNode operation : all(api, "/api/operations")) {
            String state = operation.path("state").asString();
            if (state.equals("queued") || state.equals("running")) {
                problems.add("operation " + operation.path("id").asString() + " (" + operation.path("type").asString()
                        + ") is still " + state);
            }
        }
        return problems;
    }

    /**
     * Every host port given out belongs to exactly one existing machine: no two machines list one port, and
     * the service counts no port that no machine lists (a leak).
     */
    private static void checkHostPorts(Client api, List<String> problems) {
        java.util.Map<String, String> holders = new java.util.HashMap<>();
        for (JsonNode machine : all(api, "/api/machines")) {
            for (JsonNode forward : machine.path("network").path("forwards")) {
                String port = forward.path("hostPort").asInt() + "/" + forward.path("protocol").asString();
                String other = holders.put(port, machine.path("name").asString());
                if (other != null) {
                    problems.add("host port " + port + " is given to machines " + other + " and "
                            + machine.path("name").asString());
                }
            }
        }
        long counted = api.get("/api/host").expectOk().path("network").path("forwards").asLong();
        if (counted != holders.size()) {
            problems.add(counted + " host ports given out but machines list " + holders.size());
        }
    }

    private static void checkImage(Client api, Path storageRoot, JsonNode image, List<String> problems) {
        String id = image.path("id").asString();
        String name = image.path("name").asString();
        String state = image.path("state").asString();
        if (!state.equals("ready")) {
            problems.add("image " + name + " (" + id + ") is " + state);
            return;
        }
        Client.Answer check = api.postEmpty("/api/images/" + id + "/check");
        // Neither corruptions nor leaks: a unit a kill left written but never entered in the map is cut off
        // when the service opens the file again, so none may remain.
        if (!check.ok() || !check.json().path("clean").asBoolean(false)) {
            problems.add("image " + name + " (" + id + ") check: " + check.status() + " " + check.text());
        }
        Path file = storageRoot.resolve(id + "." + image.path("format").asString());
        // qemu-img opens VDI base images and every qcow2 file; it refuses differencing VDIs, which it never had.
        boolean qemuOpens = image.path("parentId").isNull() || image.path("parentId").isMissingNode()
                || image.path("format").asString().equals("qcow2");
        if (qemuOpens && !image.path("format").asString().equals("raw")) {
            QemuTools.Result result = QemuTools.run("qemu-img", "check", "-f", image.path("format").asString(),
                    "-U", file.toString());
            if (result.exitCode() != 0 || !result.output().contains("No errors were found")) {
                problems.add("qemu-img check " + file.getFileName() + ": " + result.output().strip());
            }
        }
    }

    /** Every item of a paged list. */
    private static List<JsonNode> all(Client api, String path) {
        List<JsonNode> items = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode answer = api.get(path + "?size=500&page=" + page).expectOk();
            answer.path("items").forEach(items::add);
            if (page + 1 >= answer.path("totalPages").asInt()) {
                return items;
            }
        }
    }

    private static List<Path> temporaryFiles(Path root) {
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, ".*.tmp")) {
            entries.forEach(temps::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return temps;
    }
}
