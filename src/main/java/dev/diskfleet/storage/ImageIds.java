package dev.diskfleet.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/** Image files in a store are named {@code <uuid>.<format>}; formats without a UUID field take it from there. */
public final class ImageIds {

    private ImageIds() {
    }

    /** The UUID a file's name carries, or a stable name-based one for files named otherwise. */
    public static UUID fromFileName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        try {
            return UUID.fromString(stem);
        } catch (IllegalArgumentException notAUuid) {
            return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        }
    }
}
