package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.image.ImageLocation;
import dev.diskfleet.domain.image.ImageLocationRepository;
import dev.diskfleet.provisioning.LocalNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which nodes hold each image's file. This node records itself when its storage root gains an image's file
 * (made, uploaded, cloned, copied from another node, or found there at startup) and forgets itself when the
 * file is gone; the rows go with the image.
 */
@Service
public class ImageLocations {

    private final ImageLocationRepository locations;
    private final LocalNode local;

    public ImageLocations(ImageLocationRepository locations, LocalNode local) {
        this.locations = locations;
        this.local = local;
    }

    public String localNode() {
        return local.name();
    }

    /** Records that this node holds the image's file; joins the caller's transaction, or runs in its own. */
    @Transactional(propagation = Propagation.REQUIRED)
    public void recordHere(UUID imageId) {
        if (!locations.existsByImageIdAndNodeName(imageId, local.name())) {
            locations.saveAndFlush(new ImageLocation(imageId, local.name()));
        }
    }

    @Transactional
    public void forgetHere(UUID imageId) {
        locations.deleteById(new ImageLocation.Key(imageId, local.name()));
    }

    @Transactional(readOnly = true)
    public boolean isHere(UUID imageId) {
        return locations.existsByImageIdAndNodeName(imageId, local.name());
    }

    /** The nodes that hold the image's file, by name. */
    @Transactional(readOnly = true)
    public List<String> of(UUID imageId) {
        return locations.findByImageIdOrderByNodeNameAsc(imageId).stream().map(ImageLocation::getNodeName).toList();
    }

    /** The same for many images at once (a listing's page), each list sorted by name. */
    @Transactional(readOnly = true)
    public Map<UUID, List<String>> of(Collection<UUID> imageIds) {
        if (imageIds.isEmpty()) {
            return Map.of();
        }
        return locations.findByImageIdIn(imageIds).stream().collect(Collectors.groupingBy(ImageLocation::getImageId,
                TreeMap::new, Collectors.mapping(ImageLocation::getNodeName,
                        Collectors.collectingAndThen(Collectors.toList(), names -> names.stream().sorted().toList()))));
    }

    /** The digest this node keeps of its own file of the image, if it has computed one. */
    @Transactional(readOnly = true)
    public Optional<String> digestHere(UUID imageId) {
        return locations.findById(new ImageLocation.Key(imageId, local.name())).map(ImageLocation::getContentSha256);
    }

    @Transactional
    public void rememberDigestHere(UUID imageId, String sha256) {
        locations.findById(new ImageLocation.Key(imageId, local.name()))
                .ifPresent(location -> location.setContentSha256(sha256));
    }

    /** Every node's digest of the image goes: the image may change from now on. Joins the caller's transaction. */
    @Transactional
    public void forgetDigests(UUID imageId) {
        locations.forgetDigests(imageId);
    }
}
