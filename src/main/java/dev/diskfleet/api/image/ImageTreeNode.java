package dev.diskfleet.api.image;

import dev.diskfleet.provisioning.image.ImageForest;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@Schema(description = "An image in the image tree: golden → fleet base clones → per-machine differencing disks")
public record ImageTreeNode(
        UUID id,
        String name,
        @Schema(description = "normal, writethrough or immutable", example = "immutable") String type,
        @Schema(example = "vdi") String format,
        @Schema(description = "Virtual size in bytes", example = "10737418240") long sizeBytes,
        @Schema(description = "root, clone (a full copy made for a fleet) or differencing", example = "differencing")
        String relation,
        @Schema(description = "Bytes this image's own file holds", example = "45056") long uniqueBytes,
        @Schema(description = "Bytes of the images below it that it reads through instead of copying",
                example = "1073807360") long sharedBytes,
        @Schema(description = "The machine whose disk this is, if any") UUID machineId,
        String machineName,
        @Schema(description = "The fleet whose base this is, if any") UUID fleetId,
        String fleetName,
        List<ImageTreeNode> children) {

    static ImageTreeNode of(ImageForest.Node node) {
        return new ImageTreeNode(node.image().getId(), node.image().getName(),
                node.image().getType().name().toLowerCase(Locale.ROOT), node.image().getFormat(),
                node.image().getSizeBytes(), node.relation(), node.uniqueBytes(), node.sharedBytes(), node.machineId(),
                node.machineName(), node.fleetId(), node.fleetName(),
                node.children().stream().map(ImageTreeNode::of).toList());
    }
}
