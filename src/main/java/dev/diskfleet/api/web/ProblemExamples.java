package dev.diskfleet.api.web;

/** Example problem documents for the API description (annotation values must be constants). */
public final class ProblemExamples {

    public static final String NOT_FOUND = """
            {"type":"https://diskfleet.dev/problems/not-found","title":"Not found","status":404,\
            "detail":"image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a does not exist",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

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
            "detail":"If-Match \\"3\\" does not match the current ETag \\"4\\"; the resource changed since you read it",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a"}""";

    public static final String INACCESSIBLE = """
            {"type":"https://diskfleet.dev/problems/image-inaccessible","title":"Image inaccessible","status":409,\
            "detail":"the file of image 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a was missing when the service started; \
            restore 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a.vdi in the storage root and restart, or delete the image",\
            "instance":"/api/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a/content"}""";

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

    private ProblemExamples() {
    }
}
