package dev.diskfleet.domain.image;

import dev.diskfleet.storage.ChainDepth;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The differencing images built on an image, as the rows record them: one query per generation. */
@Component
public class ImageTree {

    private final EntityManager entities;

    public ImageTree(EntityManager entities) {
        this.entities = entities;
    }

    /**
     * Every image built on {@code root}, directly or not, parents before their children (so the reverse
     * order deletes children first). Bounded by the deepest chain the storage accepts.
     */
    public List<UUID> descendants(UUID root) {
        Set<UUID> found = new LinkedHashSet<>();
        List<UUID> generation = List.of(root);
        for (int depth = 1; ChainDepth.allowsBelow(depth) && !generation.isEmpty(); depth++) {
            generation = entities.createQuery("select i.id from Image i where i.parentId in :parents", UUID.class)
                    .setParameter("parents", generation).getResultList().stream().filter(found::add).toList();
        }
        return new ArrayList<>(found);
    }

    /** {@code root} and every image built on it. */
    public List<UUID> withDescendants(UUID root) {
        List<UUID> all = new ArrayList<>(List.of(root));
        all.addAll(descendants(root));
        return all;
    }
}
