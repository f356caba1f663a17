package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.image.ImageLocation;
import dev.diskfleet.domain.image.ImageLocationRepository;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The disk space image files take, wherever they are: this node's from its storage root, another node's by
 * asking that node ({@code POST /internal/images/allocated}), one request per node, so that a fleet's usage reads
 * the same on every node. A file no online node holds counts 0.
 */
@Component
public class FileSizes {

    private static final Logger LOG = LoggerFactory.getLogger(FileSizes.class);

    private final ImageStore store;
    private final ImageLocationRepository locations;
    private final Owners owners;
    private final PeerRequests peers;

    FileSizes(ImageStore store, ImageLocationRepository locations, Owners owners, PeerRequests peers) {
        this.store = store;
        this.locations = locations;
        this.owners = owners;
        this.peers = peers;
    }

    /** Bytes on disk of each image's file, of those this node holds. */
    public Map<UUID, Long> allocatedHere(Collection<UUID> imageIds) {
        Map<UUID, Long> sizes = new HashMap<>();
        for (UUID id : imageIds) {
            try {
                sizes.put(id, store.describe(id).allocatedBytes());
            } catch (StorageException notHere) {
                // another node's file, or none
            }
        }
        return sizes;
    }

    /** Bytes on disk of each image's file, here or on the online node that holds it; 0 where none does. */
    public Map<UUID, Long> allocated(Collection<UUID> imageIds) {
        Map<UUID, Long> sizes = new HashMap<>(allocatedHere(imageIds));
        if (sizes.size() < imageIds.size()) {
            askTheirNodes(imageIds.stream().filter(id -> !sizes.containsKey(id)).toList(), sizes);
        }
        imageIds.forEach(id -> sizes.putIfAbsent(id, 0L));
        return sizes;
    }

    private void askTheirNodes(List<UUID> elsewhere, Map<UUID, Long> sizes) {
        Map<String, Node> online = new HashMap<>();
        owners.onlineOthers().forEach(node -> online.put(node.getName(), node));
        if (online.isEmpty()) {
            return;
        }
        Map<String, List<UUID>> byNode = new LinkedHashMap<>();
        for (ImageLocation location : locations.findByImageIdIn(elsewhere)) {
            if (online.containsKey(location.getNodeName())) {
                byNode.computeIfAbsent(location.getNodeName(), name -> new ArrayList<>()).add(location.getImageId());
            }
        }
        byNode.forEach((name, ids) -> {
            try {
                Sizes answer = peers.post(online.get(name), "/internal/images/allocated", ids, Sizes.class,
                        "tell the disk space of " + ids.size() + " image files");
                if (answer != null) {
                    answer.bytes().forEach(sizes::putIfAbsent);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not read the sizes of {} image files from node {}: {}", ids.size(), name,
                        e.getMessage());
            }
        });
    }

    /** A node's answer: bytes on disk by image id. */
    public record Sizes(Map<UUID, Long> bytes) {
    }
}
