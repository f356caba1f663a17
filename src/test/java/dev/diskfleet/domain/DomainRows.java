package dev.diskfleet.domain;

import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import java.util.UUID;

/** Rows as the rules see them, built without a database for the rules' unit tests. */
public final class DomainRows {

    private static final long SIZE = 4L << 20;

    private DomainRows() {
    }

    public static Image baseImage(String name, String format, ImageType type) {
        UUID id = UUID.randomUUID();
        return Image.base(id, name, null, new ImageSummary(id, format, Variant.DYNAMIC, SIZE, 0, null, 0), type);
    }

    public static Image differencing(Image parent, String name) {
        UUID id = UUID.randomUUID();
        return Image.differencing(new ImageSummary(id, parent.getFormat(), Variant.DYNAMIC, SIZE, 0, parent.getId(), 1),
                parent, name, null, true);
    }

    public static Machine machine(String name) {
        return new Machine(UUID.randomUUID(), name, null, 2, 2048);
    }
}
