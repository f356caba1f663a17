package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.ConflictException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Images that long reads (clones, downloads) are reading right now. Deleting one of them would cut the
 * read off half-way, so a delete is refused with 409 until they finish.
 */
@Component
public class ImageReaders {

    private final Map<UUID, Integer> readers = new ConcurrentHashMap<>();

    /** Marks {@code id} as being read until the returned hold is closed. */
    public Hold hold(UUID id) {
        readers.merge(id, 1, Integer::sum);
        return () -> readers.computeIfPresent(id, (key, count) -> count == 1 ? null : count - 1);
    }

    public void requireIdle(UUID id, String action) {
        Integer count = readers.get(id);
        if (count != null) {
            throw new ConflictException("image-busy", "cannot " + action + " image " + id + ": " + count
                    + " clone(s) or download(s) are reading it; retry when they have finished");
        }
    }

    /** A read in progress; close it exactly once (try-with-resources). */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }
}
