package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.PeerFailureException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.image.ImageCatalog;
import dev.diskfleet.provisioning.image.ImageLocations;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import dev.diskfleet.provisioning.node.ClusterProperties;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Brings an immutable image's file to this node from a node that holds it. Only immutable images travel:
 * their files never change, so a copy stays a copy; a normal, write-through or differencing image is written
 * where it lives and is refused (409, naming its node). The copy goes through the storage engine's import
 * (format detected and validated, as an upload's), is checked against the sender's SHA-256 before it is
 * published, and then recorded as a location. One image is copied once on a node at a time: a second
 * request waits for the first and finds the file here.
 */
@Service
public class ImageReplicator {

    public static final String KIND = "copy-image";

    private static final Logger LOG = LoggerFactory.getLogger(ImageReplicator.class);

    private final ImageCatalog images;
    private final ImageLocations locations;
    private final ImageStore store;
    private final NodeRepository nodes;
    private final ClusterProperties cluster;
    private final ClusterSecret secret;
    private final PeerImages peers;
    private final ReplicaMarkers markers;
    private final DiskfleetMeters meters;
    private final OperationRunner runner;
    private final FreeSpace freeSpace;
    private final Map<UUID, ReentrantLock> copying = new ConcurrentHashMap<>();

    public ImageReplicator(ImageCatalog images, ImageLocations locations, ImageStore store, NodeRepository nodes,
            ClusterProperties cluster, ClusterSecret secret, PeerImages peers, ReplicaMarkers markers,
            DiskfleetMeters meters, OperationRunner runner, FreeSpace freeSpace) {
        this.images = images;
        this.locations = locations;
        this.store = store;
        this.nodes = nodes;
        this.cluster = cluster;
        this.secret = secret;
        this.peers = peers;
        this.markers = markers;
        this.meters = meters;
        this.runner = runner;
        this.freeSpace = freeSpace;
    }

    /**
     * Checks at once that {@code node} is this node and that the image may come here (404/409 before any
     * work), then copies it as an operation; returns the queued operation.
     */
    public Operation start(UUID imageId, String node) {
        if (!node.equals(locations.localNode())) {
            Node target = nodes.findByName(node).orElseThrow(() -> new NotFoundException("node", node));
            throw new ConflictException("not-this-node", "this is node " + locations.localNode() + "; a node copies"
                    + " an image to itself: send this request to node " + node + " at " + target.getUrl());
        }
        Image image = images.require(imageId);
        if (!store.exists(imageId)) {
            requireCopyable(image);
        }
        freeSpace.require(0, "copy image " + imageId + " here");
        return runner.submit(KIND, imageId, context -> {
            ensureLocal(imageId);
            return OperationOutcome.created("/api/images/" + imageId);
        });
    }

    /**
     * Makes sure this node's storage root holds the image's file: copies it from a node that holds it when it
     * is not here. Returns whether it copied.
     */
    public boolean ensureLocal(UUID imageId) {
        ReentrantLock lock = copying.computeIfAbsent(imageId, id -> new ReentrantLock());
        lock.lock();
        try {
            Image image = images.require(imageId);
            if (store.exists(imageId)) {
                locations.recordHere(imageId);
                return false;
            }
            List<Node> holders = requireCopyable(image);
            List<String> failures = new ArrayList<>();
            for (Node holder : holders) {
                try {
                    copyFrom(holder, image);
                    return true;
                } catch (PeerFailureException e) {
                    LOG.warn("copying image {} to node {} failed: {}", imageId, locations.localNode(), e.getMessage());
                    failures.add(e.getMessage());
                }
            }
            throw new PeerFailureException("image-copy-failed", "image " + imageId + " could not be copied to node "
                    + locations.localNode() + "; nothing was kept: " + String.join("; ", failures));
        } finally {
            lock.unlock();
        }
    }

    /** The live nodes that hold the image's file, once it may be copied here at all. */
    private List<Node> requireCopyable(Image image) {
        List<String> elsewhere = locations.of(image.getId()).stream()
                .filter(name -> !name.equals(locations.localNode())).toList();
        if (image.getType() != ImageType.IMMUTABLE || image.isDifferencing()) {
            String kind = image.isDifferencing() ? "differencing" : image.getType().name().toLowerCase(Locale.ROOT);
            throw new ConflictException("image-on-another-node", "image " + image.getId() + " is a " + kind
                    + " image on node(s) " + elsewhere + ", not on node " + locations.localNode() + ": only immutable"
                    + " images are copied between nodes (a written image lives where it is written); any node sends"
                    + " what is done to it (content, check, clone, exports, delete) on to "
                    + String.join(" or ", elsewhere.isEmpty() ? List.of("the node that holds it") : elsewhere)
                    + ", and a clone of it into an immutable image may travel");
        }
        if (elsewhere.isEmpty()) {
            throw new ConflictException("image-inaccessible", "no node holds the file of image " + image.getId()
                    + "; restore " + image.getId() + "." + image.getFormat() + " in a node's storage root and restart"
                    + " that node, or delete the image");
        }
        if (!secret.isConfigured()) {
            throw new ConflictException("cluster-secret-missing", "image " + image.getId() + " is on node(s) "
                    + elsewhere + "; to copy it here set the same diskfleet.cluster.secret on every node");
        }
        OffsetDateTime now = OffsetDateTime.now();
        List<Node> live = elsewhere.stream().map(nodes::findByName).flatMap(java.util.Optional::stream)
                .filter(node -> NodeState.of(node, now, cluster.nodeTimeout()) != NodeState.OFFLINE).toList();
        if (live.isEmpty()) {
            throw new ConflictException("image-holders-offline", "image " + image.getId() + " is only on node(s) "
                    + elsewhere + ", and none of them is online; start one of them and retry");
        }
        return live;
    }

    private void copyFrom(Node holder, Image image) {
        UUID imageId = image.getId();
        try (PeerImages.Download download = peers.open(holder, imageId)) {
            if (!download.format().equals(image.getFormat())) {
                throw PeerImages.failure(holder, imageId, "it sends a " + download.format() + " file, but the image"
                        + " is " + image.getFormat());
            }
            ReceivedCopy received = new ReceivedCopy(download.body());
            markers.mark(imageId);
            ImageSummary file;
            try {
                file = store.importImage(imageId, received, () -> received.requireMatches(download));
            } catch (PeerFailureException e) {
                markers.unmark(imageId);
                throw e;
            } catch (RuntimeException e) {
                markers.unmark(imageId);
                if (received.failure() != null) {
                    throw PeerImages.failure(holder, imageId, "the stream broke off after " + received.bytes()
                            + " bytes (" + received.failure().getMessage() + ")");
                }
                throw PeerImages.failure(holder, imageId, "its file was refused here: " + e.getMessage());
            }
            try {
                locations.recordHere(imageId);
            } catch (RuntimeException e) {
                store.delete(imageId);
                markers.unmark(imageId);
                throw e;
            }
            meters.replicated(received.bytes());
            LOG.info("copied image {} ({}) from node {} to node {}: {} bytes of {} file, SHA-256 {}", imageId,
                    image.getName(), holder.getName(), locations.localNode(), received.bytes(), file.format(),
                    download.sha256());
        } catch (java.io.IOException closing) {
            LOG.debug("closing the stream from node {} failed", holder.getName(), closing);
        }
    }
}
