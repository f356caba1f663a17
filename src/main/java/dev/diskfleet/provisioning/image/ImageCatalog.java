package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.NameFilter;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.image.ImageUsage;
import dev.diskfleet.provisioning.NaturalNamePages;
import dev.diskfleet.storage.ChainDepth;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Images as clients read them: one, or a filtered page, each with what its file and its users say. */
@Service
public class ImageCatalog {

    private final ImageRepository images;
    private final ImageStore store;
    private final ImageUsage usage;
    private final EntityManager entities;
    private final ImageLocations locations;

    public ImageCatalog(ImageRepository images, ImageStore store, ImageUsage usage, EntityManager entities,
            ImageLocations locations) {
        this.images = images;
        this.locations = locations;
        this.entities = entities;
        this.store = store;
        this.usage = usage;
    }

    public Image require(UUID id) {
        return images.findById(id).orElseThrow(() -> new NotFoundException("image", id));
    }

    @Transactional(readOnly = true)
    /**
     * A page of images in natural name order; each filter given narrows it: {@code kind} {@code base} (on no parent) or
     * {@code differencing} (on a parent), the type, the parent, a substring of the name.
     */
    public Page<ImageDetails> list(String kind, String type, UUID parentId, String name, Pageable pageable) {
        Specification<Image> filter = (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if ("base".equals(kind)) {
                where.add(cb.isNull(root.get("parentId")));
            } else if ("differencing".equals(kind)) {
                where.add(cb.isNotNull(root.get("parentId")));
            }
            if (type != null) {
                where.add(cb.equal(root.get("type"), ApiNames.parse(ImageType.class, type, null)));
            }
            if (parentId != null) {
                where.add(cb.equal(root.get("parentId"), parentId));
            }
            if (name != null) {
                where.add(cb.like(cb.lower(root.get("name")), NameFilter.containing(name), NameFilter.ESCAPE));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
        Page<Image> page = NaturalNamePages.page(entities, Image.class, filter, pageable, Image::getId);
        Map<UUID, List<String>> where = locations.of(page.map(Image::getId).getContent());
        return page.map(image -> details(image, false, where.getOrDefault(image.getId(), List.of())));
    }

    @Transactional(readOnly = true)
    public ImageDetails details(Image image) {
        return details(image, true, locations.of(image.getId()));
    }

    /** A listing never opens image files ({@link ImageStore#storedBytes}); one image's own page does. */
    private ImageDetails details(Image image, boolean open, List<String> where) {
        long allocated = 0;
        try {
            if (image.getState() == ImageState.READY) {
                allocated = open ? store.describe(image.getId()).allocatedBytes() : store.storedBytes(image.getId());
            }
        } catch (StorageException e) {
            allocated = 0;
        }
        return new ImageDetails(image, allocated, images.countByParentId(image.getId()), chainDepth(image),
                usage.attachmentsOf(image.getId()), where);
    }

    private int chainDepth(Image image) {
        return ChainDepth.upFrom(image.getId(), id -> id.equals(image.getId()) ? image.getParentId()
                : images.findById(id).map(Image::getParentId).orElse(null)).size();
    }
}
