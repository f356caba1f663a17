package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.NaturalOrder;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.storage.ChainDepth;
import dev.diskfleet.storage.ImageStore;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every image as one forest: a golden image, the fleet bases cloned from it (a clone is a full copy, so
 * the row has no parent; the fleet records where it came from), and the differencing disks built on each,
 * with the machine that uses each disk. Each node carries its own bytes ({@code uniqueBytes}) and the bytes
 * of the images below it that it reads through ({@code sharedBytes}).
 */
@Service
public class ImageForest {

    /** One image in the forest; {@code relation} is how it hangs on its parent node: root, clone or differencing. */
    public record Node(Image image, String relation, long uniqueBytes, long sharedBytes, UUID machineId,
            String machineName, UUID fleetId, String fleetName, List<Node> children) {
    }

    private record Use(UUID machineId, String machineName) {
    }

    private record Clone(UUID fleetId, String fleetName, UUID goldenId) {
    }

    private final EntityManager entities;
    private final ImageStore store;
    private final TransactionTemplate readOnly;

    public ImageForest(EntityManager entities, ImageStore store, PlatformTransactionManager transactions) {
        this.entities = entities;
        this.store = store;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    public List<Node> trees() {
        return readOnly.execute(status -> build());
    }

    private List<Node> build() {
        List<Image> images = entities.createQuery("select i from Image i order by i.createdAt, i.id", Image.class)
                .getResultList();
        Map<UUID, Use> users = new HashMap<>();
        for (Object[] row : entities.createQuery("select a.mediumId, m.id, m.name from Attachment a, Machine m"
                + " where m.id = a.machineId", Object[].class).getResultList()) {
            users.put((UUID) row[0], new Use((UUID) row[1], (String) row[2]));
        }
        Map<UUID, Clone> clones = new HashMap<>();
        for (Object[] row : entities.createQuery("select f.baseImageId, f.id, f.name, f.goldenImageId from Fleet f",
                Object[].class).getResultList()) {
            if (row[0] != null) {
                clones.put((UUID) row[0], new Clone((UUID) row[1], (String) row[2], (UUID) row[3]));
            }
        }
        Map<UUID, Image> byId = new HashMap<>();
        Map<UUID, List<Image>> childrenOf = new HashMap<>();
        images.forEach(image -> byId.put(image.getId(), image));
        List<Image> roots = new ArrayList<>();
        for (Image image : images) {
            UUID parent = image.getParentId() != null ? image.getParentId()
                    : clones.containsKey(image.getId()) ? clones.get(image.getId()).goldenId() : null;
            if (parent != null && byId.containsKey(parent)) {
                childrenOf.computeIfAbsent(parent, id -> new ArrayList<>()).add(image);
            } else {
                roots.add(image);
            }
        }
        // Golden (immutable) images first: they are what a person deploys from.
        roots.sort(Comparator.comparing((Image image) -> image.getType() != ImageType.IMMUTABLE)
                .thenComparing(Image::getName, NaturalOrder.NAMES));
        List<Node> forest = new ArrayList<>();
        for (Image root : roots) {
            forest.add(node(root, "root", 0, users, clones, childrenOf, 0));
        }
        return forest;
    }

    private Node node(Image image, String relation, long below, Map<UUID, Use> users, Map<UUID, Clone> clones,
            Map<UUID, List<Image>> childrenOf, int depth) {
        long own = allocatedBytes(image.getId());
        List<Node> children = new ArrayList<>();
        if (ChainDepth.allowsBelow(depth)) {
            for (Image child : childrenOf.getOrDefault(image.getId(), List.of())) {
                boolean differencing = image.getId().equals(child.getParentId());
                children.add(node(child, differencing ? "differencing" : "clone", differencing ? below + own : 0,
                        users, clones, childrenOf, depth + 1));
            }
        }
        children.sort(Comparator.comparing((Node node) -> node.relation())
                .thenComparing(node -> node.image().getName(), NaturalOrder.NAMES));
        Use use = users.get(image.getId());
        Clone clone = clones.get(image.getId());
        return new Node(image, relation, own, below, use == null ? null : use.machineId(),
                use == null ? null : use.machineName(), clone == null ? null : clone.fleetId(),
                clone == null ? null : clone.fleetName(), children);
    }

    private long allocatedBytes(UUID image) {
        try {
            return store.storedBytes(image);
        } catch (RuntimeException missingOrUnreadable) {
            return 0;
        }
    }
}
