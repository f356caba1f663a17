package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.ConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Images that long reads are reading right now: clones and downloads (anonymous, they end by themselves)
 * and NBD exports (named, they last until deleted). Deleting one of them would cut the read off half-way,
 * so a delete is refused with 409 until they finish, naming the exports that must go first.
 */
@Component
public class ImageReaders {

    private static final String ANONYMOUS = "";

    private final Map<UUID, List<String>> readers = new ConcurrentHashMap<>();

    /** Marks {@code id} as being read by a clone or download until the returned hold is closed. */
    public Hold hold(UUID id) {
        return hold(id, ANONYMOUS);
    }

    /** Marks {@code id} as being read by {@code holder} (named in refusals) until the hold is closed. */
    public Hold hold(UUID id, String holder) {
        readers.compute(id, (key, list) -> {
            List<String> more = list == null ? new ArrayList<>() : new ArrayList<>(list);
            more.add(holder);
            return List.copyOf(more);
        });
        return () -> readers.computeIfPresent(id, (key, list) -> {
            List<String> fewer = new ArrayList<>(list);
            fewer.remove(holder);
            return fewer.isEmpty() ? null : List.copyOf(fewer);
        });
    }

    public void requireIdle(UUID id, String action) {
        List<String> holders = readers.get(id);
        if (holders == null) {
            return;
        }
        List<String> named = holders.stream().filter(h -> !h.equals(ANONYMOUS)).toList();
        if (!named.isEmpty()) {
            throw new ConflictException("image-exported", "cannot " + action + " image " + id + ": " + named
                    + " serve(s) it; delete the export(s) first");
        }
        throw new ConflictException("image-busy", "cannot " + action + " image " + id + ": " + holders.size()
                + " clone(s) or download(s) are reading it; retry when they have finished");
    }

    /** A read in progress; close it exactly once (try-with-resources). */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }
}
