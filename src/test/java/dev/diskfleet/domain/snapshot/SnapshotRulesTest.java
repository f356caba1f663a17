package dev.diskfleet.domain.snapshot;

import static dev.diskfleet.domain.DomainRows.baseImage;
import static dev.diskfleet.domain.DomainRows.differencing;
import static dev.diskfleet.domain.DomainRows.machine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageTree;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.snapshot.SnapshotRules.Action;
import dev.diskfleet.domain.snapshot.SnapshotRules.MediumStep;
import dev.diskfleet.storage.ImageStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a snapshot's deletion is planned, medium by medium, and when it is refused (the model is on
 * {@link Snapshot}). The image tree is built in memory: each test states which image is whose child.
 */
class SnapshotRulesTest {

    private final SnapshotRepository snapshots = mock(SnapshotRepository.class);
    private final AttachmentRepository attachments = mock(AttachmentRepository.class);
    private final ImageRepository images = mock(ImageRepository.class);
    private final ImageTree tree = mock(ImageTree.class);
    private final Machine pg1 = machine("pg-1");
    private final Image disk = baseImage("pg-1-data", "vdi", ImageType.NORMAL);
    private final Attachment slot = new Attachment(UUID.randomUUID(), pg1.getId(), 0, 0, ImageType.NORMAL,
            disk.getId(), null);
    private SnapshotRules rules;

    @BeforeEach
    void rules(@TempDir Path root) {
        rules = new SnapshotRules(snapshots, attachments, images, tree, ImageStore.withDefaultFormats(root));
        when(attachments.findById(slot.getId())).thenReturn(Optional.of(slot));
        for (Image image : List.of(disk)) {
            when(images.findById(image.getId())).thenReturn(Optional.of(image));
        }
    }

    private void children(Image parent, Image... children) {
        when(images.findByParentId(parent.getId())).thenReturn(Arrays.asList(children));
        when(images.findById(parent.getId())).thenReturn(Optional.of(parent));
    }

    private Snapshot snapshotOf(String name, Image medium) {
        Snapshot snapshot = new Snapshot(UUID.randomUUID(), pg1.getId(), null, name, null);
        snapshot.record(slot.getId(), medium.getId());
        return snapshot;
    }

    @Test
    void theAttachedImageWithOneLeafChildTakesTheChildBack() {
        Image current = differencing(disk, "current");
        children(disk, current);
        children(current);

        assertThat(rules.planDeletion(snapshotOf("first", disk)))
                .containsExactly(new MediumStep(Action.MERGE_CHILD, disk.getId(), current.getId()));
    }

    @Test
    void theAttachedImageUnderANewerSnapshotTakesItsChildAndRelinksTheGrandchildren() {
        Image second = differencing(disk, "second");
        Image current = differencing(second, "current");
        children(disk, second);
        children(second, current);

        assertThat(rules.planDeletion(snapshotOf("first", disk)))
                .containsExactly(new MediumStep(Action.MERGE_CHILD_RELINKING, disk.getId(), second.getId()));
    }

    @Test
    void aMiddleMediumMovesItsDataUpIntoItsOnlyChild() {
        Image middle = differencing(disk, "middle");
        Image newer = differencing(middle, "newer");
        Image current = differencing(newer, "current");
        children(middle, newer);
        children(newer, current);

        assertThat(rules.planDeletion(snapshotOf("middle", middle)))
                .containsExactly(new MediumStep(Action.MERGE_INTO_CHILD, middle.getId(), newer.getId()));
    }

    @Test
    void aMediumNothingBuildsOnIsDeletedButTheAttachedImageStays() {
        Image leftover = differencing(disk, "leftover");
        children(leftover);
        children(disk);

        assertThat(rules.planDeletion(snapshotOf("leftover", leftover)))
                .containsExactly(new MediumStep(Action.DELETE, leftover.getId(), null));
        assertThat(rules.planDeletion(snapshotOf("top", disk))).isEmpty();
    }

    @Test
    void aMediumOtherStatesBranchFromIsRefusedNamingTheSnapshotsToDeleteFirst() {
        Image branchA = differencing(disk, "a");
        Image branchB = differencing(disk, "b");
        children(disk, branchA, branchB);
        Snapshot first = snapshotOf("first", disk);
        Snapshot onB = snapshotOf("on-b", branchB);
        when(tree.withDescendants(disk.getId())).thenReturn(List.of(disk.getId(), branchA.getId(), branchB.getId()));
        when(snapshots.findByMedium(disk.getId())).thenReturn(List.of(first));
        when(snapshots.findByMedium(branchB.getId())).thenReturn(List.of(onB));

        assertThatThrownBy(() -> rules.planDeletion(first)).isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(((DomainException) e).slug()).isEqualTo("snapshot-medium-has-children"))
                .hasMessageContaining("port 0 device 0").hasMessageContaining("2 differencing children")
                .hasMessageContaining("[" + onB.label() + "]").hasMessageNotContaining(first.label() + "]");
    }

    @Test
    void aSnapshotOfAnotherMachineIsNotFound() {
        Snapshot first = snapshotOf("first", disk);
        when(snapshots.findById(first.getId())).thenReturn(Optional.of(first));

        assertThat(rules.require(pg1, first.getId())).isSameAs(first);
        assertThatThrownBy(() -> rules.require(machine("pg-2"), first.getId())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRawNormalDiskMakesTheMachineUnsnapshottable() {
        Image raw = baseImage("pg-1-raw", "raw", ImageType.NORMAL);
        Attachment rawSlot = new Attachment(UUID.randomUUID(), pg1.getId(), 1, 0, ImageType.NORMAL, raw.getId(), null);

        assertThatCode(() -> rules.requireSnapshottable(pg1, List.of(slot), List.of(disk))).doesNotThrowAnyException();
        assertThatThrownBy(() -> rules.requireSnapshottable(pg1, List.of(slot, rawSlot), List.of(disk, raw)))
                .satisfies(e -> assertThat(((DomainException) e).slug()).isEqualTo("not-snapshottable"))
                .hasMessageContaining("port 1 device 0").hasMessageContaining("raw image " + raw.getId());
    }
}
