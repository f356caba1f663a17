package dev.diskfleet.api.image;

import dev.diskfleet.provisioning.image.ImageForest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Images")
public class ImageTreeController {

    private final ImageForest forest;

    public ImageTreeController(ImageForest forest) {
        this.forest = forest;
    }

    @GetMapping("/api/images/tree")
    @Operation(operationId = "getImageTree", summary = "Every image as a tree: golden images, the fleet bases"
            + " cloned from them and the differencing disks on each, with unique and shared bytes")
    public List<ImageTreeNode> tree() {
        return forest.trees().stream().map(ImageTreeNode::of).toList();
    }
}
