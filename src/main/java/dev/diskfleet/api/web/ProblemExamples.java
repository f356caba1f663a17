package dev.diskfleet.api.web;

/** Example problem documents for the API description (annotation values must be constants). */
public final class ProblemExamples {

    public static final String VALIDATION = """
            {"type":"https://diskfleet.dev/problems/validation","title":"Invalid request","status":400,\
            "detail":"the request has invalid fields: name must not be blank; sizeBytes must be greater than 0",\
            "instance":"/api/images","errors":{"name":"must not be blank","sizeBytes":"must be greater than 0"}}""";

    public static final String INVALID_IMAGE = """
            {"type":"https://diskfleet.dev/problems/invalid-image","title":"Invalid image file","status":422,\
            "detail":"upload: block map entry 7 points to block 4096, beyond the 12 blocks the file holds",\
            "instance":"/api/images/uploads"}""";

    public static final String IN_USE = """
            {"type":"https://diskfleet.dev/problems/image-has-children","title":"Conflict","status":409,\
            "detail":"cannot delete image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a: it has differencing images \
            [web-1 (9d5e0c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6)]; delete or merge them first",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

    public static final String STALE_ETAG = """
            {"type":"https://diskfleet.dev/problems/stale-etag","title":"Precondition failed","status":412,\
            "detail":"the resource changed since you read it: its ETag is now \\"4\\", not \\"3\\"; read it again and retry",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

    public static final String INACCESSIBLE = """
            {"type":"https://diskfleet.dev/problems/image-inaccessible","title":"Image inaccessible","status":409,\
            "detail":"the file of image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a was missing when the service started; \
            restore 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a.vdi in the storage root and restart, or delete the image",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/content"}""";

    public static final String IMAGE_ON_ANOTHER_NODE = """
            {"type":"https://diskfleet.dev/problems/image-on-another-node","title":"Conflict","status":409,\
            "detail":"image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a is a normal image on node(s) [host-a], not on node \
            host-b: only immutable images are copied between nodes (a written image lives where it is written); use \
            it on host-a, or clone it there into an immutable image",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/locations/host-b"}""";

    public static final String RANGE = """
            {"type":"https://diskfleet.dev/problems/range-not-satisfiable","title":"Range not satisfiable",\
            "status":416,"detail":"Range 'bytes=20000000-' lies outside the 10485760-byte content; ask for bytes \
            between 0 and 10485759","instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/content"}""";

    public static final String UNSUPPORTED_VARIANT = """
            {"type":"https://diskfleet.dev/problems/unsupported-variant","title":"Bad request","status":400,\
            "detail":"format 'qcow2' has no fixed variant; leave variant out (dynamic) or choose a format that has \
            it: vdi, raw","instance":"/api/images"}""";

    public static final String MACHINE_RUNNING = """
            {"type":"https://diskfleet.dev/problems/machine-running","title":"Conflict","status":409,\
            "detail":"cannot delete machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) while it is running; stop it first \
            (POST /api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/stop)",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7"}""";

    public static final String SNAPSHOT_MEDIUM_HAS_CHILDREN = """
            {"type":"https://diskfleet.dev/problems/snapshot-medium-has-children","title":"Conflict","status":409,\
            "detail":"cannot delete snapshot 'before-upgrade' (0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b): its disk 0:0 \
            (image 9b2d7c3e-1f4a-4b5c-8d6e-7f8a9b0c1d2e) has 2 differencing children, because other states branch \
            from it; like VirtualBox, Diskfleet merges a medium with one child only. Delete the snapshots on the \
            other branches first: ['after-upgrade' (5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d)]",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/snapshots/0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}""";

    public static final String GOLDEN_NOT_FOUND = """
            {"type":"https://diskfleet.dev/problems/not-found","title":"Not found","status":404,\
            "detail":"image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a does not exist","instance":"/api/fleets"}""";

    public static final String ATTACHED_IMAGE_NOT_FOUND = """
            {"type":"https://diskfleet.dev/problems/not-found","title":"Not found","status":404,\
            "detail":"image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a does not exist",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments"}""";

    public static final String INSUFFICIENT_STORAGE = """
            {"type":"https://diskfleet.dev/problems/insufficient-storage","title":"Insufficient storage","status":507,\
            "detail":"cannot create a 10737418240-byte image: it may need 10737418240 bytes and the storage volume has \
            11811160064 bytes free, but 2147483648 bytes (diskfleet.limits.min-free-space) must stay free for the \
            database and running guests; free space or delete images first","instance":"/api/images"}""";

    public static final String INSUFFICIENT_GUEST_MEMORY = """
            {"type":"https://diskfleet.dev/problems/insufficient-guest-memory","title":"Insufficient storage",\
            "status":507,"detail":"fleet pg needs 6 × 1024 MiB = 6144 MiB of guest memory on online, undrained nodes;\
             free guest memory: node-a 2048 MiB (room for 2), node-b 1024 MiB (room for 1) (diskfleet.node.\
            max-guest-memory-mb less the memory of running guests); nothing was made","instance":"/api/fleets"}""";

    public static final String NODE_NOT_FOUND = """
            {"type":"https://diskfleet.dev/problems/not-found","title":"Not found","status":404,\
            "detail":"node node-c does not exist","instance":"/api/machines"}""";

    public static final String NODE_UNAVAILABLE = """
            {"type":"https://diskfleet.dev/problems/node-unavailable","title":"Conflict","status":409,\
            "detail":"node node-b is draining and takes no new guests; undrain it (POST /api/nodes/node-b/undrain)\
             or name another node","instance":"/api/machines"}""";

    public static final String OUT_OF_SPACE = """
            {"type":"https://diskfleet.dev/problems/out-of-space","title":"Out of space","status":507,\
            "detail":"the storage root has no space left for this image; free space or choose a smaller size",\
            "instance":"/api/images/uploads"}""";

    public static final String UPLOAD_INTERRUPTED = """
            {"type":"https://diskfleet.dev/problems/upload-interrupted","title":"Bad request","status":400,\
            "detail":"the upload broke off after 1048576 bytes (Connection reset); nothing was stored, send it again",\
            "instance":"/api/images/uploads"}""";

    public static final String IMAGE_BUSY = """
            {"type":"https://diskfleet.dev/problems/image-busy","title":"Conflict","status":409,\
            "detail":"cannot delete image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a: 1 clone(s) or download(s) are \
            reading it; retry when they have finished","instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

    public static final String TYPE_ON_DIFFERENCING = """
            {"type":"https://diskfleet.dev/problems/type-on-differencing","title":"Bad request","status":400,\
            "detail":"image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a is a differencing image; its write mode follows \
            its base","instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

    public static final String MACHINE_NAME_TAKEN = """
            {"type":"https://diskfleet.dev/problems/machine-name-taken","title":"Conflict","status":409,\
            "detail":"a machine named 'pg-1' already exists; machine names are unique","instance":"/api/machines"}""";

    public static final String HOST_PORT_TAKEN = """
            {"type":"https://diskfleet.dev/problems/host-port-taken","title":"Conflict","status":409,\
            "detail":"host port 2222/tcp is forwarded to another machine already; name another hostPort or leave it\
             out to get a free one","instance":"/api/machines"}""";

    public static final String HOST_PORT_BUSY = """
            {"type":"https://diskfleet.dev/problems/host-port-busy","title":"Conflict","status":409,\
            "detail":"cannot start machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7): host port 40001/tcp on\
             127.0.0.1 (forwarded to guest port 5432) is held by another process; stop that process, or give the\
             forward another hostPort (PATCH the machine's network)",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/start"}""";

    public static final String INSUFFICIENT_HOST_MEMORY = """
            {"type":"https://diskfleet.dev/problems/insufficient-host-memory","title":"Conflict","status":409,\
            "detail":"cannot start machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7): it is given 65536 MiB of\
             memory (memoryMb) and this host has 15872 MiB; PATCH the machine's memoryMb to at most 15872",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/start"}""";

    public static final String HOST_PORTS_EXHAUSTED = """
            {"type":"https://diskfleet.dev/problems/host-ports-exhausted","title":"Conflict","status":409,\
            "detail":"deploying fleet pg-test needs 20 tcp host ports but only 12 of diskfleet.network.host-ports\
             40000-44999 are free","instance":"/api/fleets"}""";
    public static final String USER_DATA_TOO_LARGE = """
            {"type":"https://diskfleet.dev/problems/user-data-too-large","title":"Content too large","status":413,\
            "detail":"the user-data is 70000 bytes; at most 65536 are allowed (diskfleet.limits.max-user-data)",\
            "instance":"/api/machines"}""";

    public static final String MACHINE_POWERED_OFF = """
            {"type":"https://diskfleet.dev/problems/machine-powered-off","title":"Conflict","status":409,\
            "detail":"cannot reset machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7): it is powered off; start it \
            first (POST /api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/start)",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/reset"}""";

    public static final String MACHINE_RUNNING_CHANGE = """
            {"type":"https://diskfleet.dev/problems/machine-running","title":"Conflict","status":409,\
            "detail":"cannot change the hardware of machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) while it is \
            running; stop it first (POST /api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/stop)",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7"}""";

    public static final String SLOT_OCCUPIED = """
            {"type":"https://diskfleet.dev/problems/slot-occupied","title":"Conflict","status":409,\
            "detail":"port 0 device 0 of machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) already holds image \
            3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a (attachment 0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b); detach it first \
            or choose another port or device","instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments"}""";

    public static final String ATTACHED_ELSEWHERE = """
            {"type":"https://diskfleet.dev/problems/image-attached-elsewhere","title":"Conflict","status":409,\
            "detail":"normal image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a is already attached to machine pg-2 \
            (attachment 0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b); a normal image is attached to one machine at a time: \
            detach it there first, or make it immutable to share it",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments"}""";

    public static final String DETACH_RUNNING = """
            {"type":"https://diskfleet.dev/problems/machine-running","title":"Conflict","status":409,\
            "detail":"cannot detach a disk from machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) while it is \
            running; stop it first","instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments/\
            0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}""";

    public static final String MALFORMED_RANGE = """
            {"type":"https://diskfleet.dev/problems/malformed-range","title":"Bad request","status":400,\
            "detail":"Content-Range 'bytes 0-511' is not of the form 'bytes first-last/*' or 'bytes first-last/size'",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments/\
            3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/data"}""";

    public static final String MEDIUM_NOT_WRITABLE = """
            {"type":"https://diskfleet.dev/problems/medium-not-writable","title":"Conflict","status":409,\
            "detail":"image 9b2d7c3e-1f4a-4b5c-8d6e-7f8a9b0c1d2e is immutable or has differencing images on it; it \
            cannot take guest writes","instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments/\
            3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/data"}""";

    public static final String WRITE_TOO_LARGE = """
            {"type":"https://diskfleet.dev/problems/write-too-large","title":"Content too large","status":413,\
            "detail":"one PUT writes at most 268435456 bytes; Content-Range bytes 0-536870911 asks for 536870912; \
            split the write into several PUTs","instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/\
            attachments/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/data"}""";

    public static final String NOTHING_TO_SNAPSHOT = """
            {"type":"https://diskfleet.dev/problems/nothing-to-snapshot","title":"Conflict","status":409,\
            "detail":"a snapshot of machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) would keep nothing, so none \
            was taken: its disks are port 0 device 0 (immutable, autoReset). An autoReset differencing disk is emptied \
            at every power-on and a write-through disk is left out of snapshots, so neither can be brought back by a \
            restore. Attach a normal disk, or keep a differencing disk across power-ons (PATCH /api/images/{mediumId} \
            {\\"autoReset\\": false}) to snapshot it",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/snapshots"}""";

    public static final String NOT_SNAPSHOTTABLE = """
            {"type":"https://diskfleet.dev/problems/not-snapshottable","title":"Conflict","status":409,\
            "detail":"cannot take a snapshot of machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7): its normal disk at \
            0:0 is raw image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a, which cannot have differencing images; make that \
            image write-through to leave it out of snapshots, or attach a vdi or qcow2 image",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/snapshots"}""";

    public static final String RESTORE_RUNNING = """
            {"type":"https://diskfleet.dev/problems/machine-running","title":"Conflict","status":409,\
            "detail":"cannot restore a snapshot of machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) while it is \
            running; stop it first","instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/snapshots/\
            0e6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b/restore"}""";

    public static final String MACHINE_ALREADY_RUNNING = """
            {"type":"https://diskfleet.dev/problems/machine-running","title":"Conflict","status":409,\
            "detail":"machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) is already running",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/start"}""";

    public static final String FLEET_NAME_TAKEN = """
            {"type":"https://diskfleet.dev/problems/fleet-name-taken","title":"Conflict","status":409,\
            "detail":"a fleet named 'pg-test' already exists; choose another name","instance":"/api/fleets"}""";

    public static final String GOLDEN_IN_USE = """
            {"type":"https://diskfleet.dev/problems/image-in-use","title":"Conflict","status":409,\
            "detail":"golden image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a is in use by running machine pg-1; stop it \
            first so the clone is consistent","instance":"/api/fleets"}""";

    public static final String FLEET_BUSY = """
            {"type":"https://diskfleet.dev/problems/fleet-busy","title":"Conflict","status":409,\
            "detail":"cannot start fleet pg-test (5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d): it is provisioning; wait for \
            the operation changing it to finish, then retry","instance":"/api/fleets/5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d/start"}""";

    /** Operations as their 202 answers show them: each kind with the fields it has at that moment. */
    public static final String CLONE_ACCEPTED = """
            {"id":"0b7e3f5c-2d4a-4f6b-9c1d-8e7f6a5b4c3d","kind":"clone-image","state":"queued","progress":0,\
            "targetId":"3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a","createdAt":"2026-01-15T10:00:00Z",\
            "updatedAt":"2026-01-15T10:00:00Z"}""";

    public static final String DEPLOY_ACCEPTED = """
            {"id":"1c8f4a6d-3e5b-4a7c-8d2e-9f0a1b2c3d4e","kind":"fleet.deploy","state":"queued","progress":0,\
            "targetId":"5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d","createdAt":"2026-01-15T10:00:00Z",\
            "updatedAt":"2026-01-15T10:00:00Z"}""";

    public static final String SCALE_ACCEPTED = """
            {"id":"2d9a5b7e-4f6c-4b8d-9e3f-0a1b2c3d4e5f","kind":"fleet.scale","state":"queued","progress":0,\
            "targetId":"5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d","createdAt":"2026-01-15T10:00:00Z",\
            "updatedAt":"2026-01-15T10:00:00Z"}""";

    public static final String DELETE_ACCEPTED = """
            {"id":"8c7b6a5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d","kind":"fleet.delete","state":"queued","progress":0,\
            "targetId":"5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d","createdAt":"2026-01-15T10:00:00Z",\
            "updatedAt":"2026-01-15T10:00:00Z"}""";

    public static final String FLEET_POWER_ACCEPTED = """
            {"id":"6e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","kind":"fleet.stop","state":"queued","progress":0,\
            "targetId":"5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d","createdAt":"2026-01-15T10:00:00Z",\
            "updatedAt":"2026-01-15T10:00:00Z"}""";

    public static final String MACHINE_WAITS_FOR_NODE = """
            {"type":"https://diskfleet.dev/problems/machine-waits-for-node","title":"Conflict","status":409,\
            "detail":"machine db-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) waits for node node-a, which is offline:\
             its disks at [port 0 device 0] hold data only node node-a has (only a machine whose every disk is an\
             autoReset differencing disk starts on another node); start node node-a again",\
            "instance":"/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/start"}""";

    private ProblemExamples() {
    }
}
