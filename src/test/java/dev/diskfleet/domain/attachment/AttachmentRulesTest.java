package dev.diskfleet.domain.attachment;

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
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.storage.ImageStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VirtualBox's attach rules without Spring or a database: repositories are mocks, the store is real. */
class AttachmentRulesTest {

    private final AttachmentRepository attachments = mock(AttachmentRepository.class);
    private final ImageRepository images = mock(ImageRepository.class);
    private final MachineRepository machines = mock(MachineRepository.class);
    private final SnapshotRecords snapshots = mock(SnapshotRecords.class);
    private final Machine pg1 = machine("pg-1");
    private final Machine pg2 = machine("pg-2");
    private AttachmentRules rules;

    @BeforeEach
    void rules(@TempDir Path root) {
        rules = new AttachmentRules(attachments, images, machines, snapshots, ImageStore.withDefaultFormats(root));
        when(machines.findById(pg2.getId())).thenReturn(Optional.of(pg2));
    }

    private static Attachment attachment(Machine machine, int port, Image image) {
        return new Attachment(UUID.randomUUID(), machine.getId(), port, 0, image.getType(), image.getId(), null);
    }

    private static String slugOf(Throwable thrown) {
        return ((DomainException) thrown).slug();
    }

    @Test
    void anOccupiedSlotIsAConflictNamingTheImageInIt() {
        Image held = baseImage("data", "vdi", ImageType.NORMAL);
        Attachment taken = attachment(pg1, 3, held);
        when(attachments.findByMachineIdAndPortAndDevice(pg1.getId(), 3, 0)).thenReturn(Optional.of(taken));

        assertThatThrownBy(() -> rules.requireSlotFree(pg1, 3, 0)).isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("slot-occupied"))
                .hasMessageContaining("port 3 device 0 of machine pg-1")
                .hasMessageContaining(held.getId().toString()).hasMessageContaining(taken.getId().toString());
        assertThatCode(() -> rules.requireSlotFree(pg1, 4, 0)).doesNotThrowAnyException();
    }

    @Test
    void anInaccessibleImageCannotBeAttached() {
        Image missing = baseImage("gone", "vdi", ImageType.NORMAL);
        missing.setState(ImageState.INACCESSIBLE);

        assertThatThrownBy(() -> rules.requireAttachable(missing, plan(missing, null)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("inaccessible")
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-inaccessible"));
    }

    @Test
    void autoResetIsRefusedForAnImageAttachedDirectly() {
        Image normal = baseImage("scratch", "vdi", ImageType.NORMAL);

        assertThatThrownBy(() -> rules.requireAttachable(normal, plan(normal, false)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is normal")
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("autoreset-not-applicable"));
    }

    @Test
    void anImmutableImageIsSharedUnlessItsFormatHasNoDifferencingImages() {
        Image golden = baseImage("golden", "vdi", ImageType.IMMUTABLE);
        when(attachments.findUsing(golden.getId())).thenReturn(List.of(attachment(pg2, 0, golden)));
        Image rawGolden = baseImage("raw-golden", "raw", ImageType.IMMUTABLE);

        assertThatCode(() -> rules.requireAttachable(golden, plan(golden, true))).doesNotThrowAnyException();
        assertThatThrownBy(() -> rules.requireAttachable(rawGolden, plan(rawGolden, null)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("raw image")
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("no-differencing"));
    }

    @Test
    void aNormalImageIsAttachedToOneMachineAtATimeNamingTheHolder() {
        Image normal = baseImage("data", "vdi", ImageType.NORMAL);
        Attachment holder = attachment(pg2, 1, normal);
        when(attachments.findUsing(normal.getId())).thenReturn(List.of(holder));
        when(snapshots.frozenIn(normal.getId())).thenReturn(Optional.empty());

        assertThatThrownBy(() -> rules.requireAttachable(normal, plan(normal, null)))
                .isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-attached-elsewhere"))
                .hasMessageContaining("machine " + pg2.label()).hasMessageContaining(holder.getId().toString());
    }

    @Test
    void aNormalImageFrozenInASnapshotNamesTheSnapshot() {
        Image normal = baseImage("data", "vdi", ImageType.NORMAL);
        when(attachments.findUsing(normal.getId())).thenReturn(List.of(attachment(pg2, 1, normal)));
        when(snapshots.frozenIn(normal.getId())).thenReturn(Optional.of("'before-upgrade' (s-1)"));

        assertThatThrownBy(() -> rules.requireAttachable(normal, plan(normal, null)))
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-in-snapshot"))
                .hasMessageContaining("snapshot 'before-upgrade' (s-1) of machine " + pg2.label());
    }

    @Test
    void aNormalImageWithDifferencingChildrenCannotBeWrittenDirectly() {
        Image normal = baseImage("base", "vdi", ImageType.NORMAL);
        Image child = differencing(normal, "child");
        when(images.findByParentId(normal.getId())).thenReturn(List.of(child));

        assertThatThrownBy(() -> rules.requireAttachable(normal, plan(normal, null)))
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-has-children"))
                .hasMessageContaining(child.getId().toString());
    }

    @Test
    void aLostRaceIsExplainedByWhatWonIt() {
        Image normal = baseImage("data", "vdi", ImageType.NORMAL);
        AttachmentPlan plan = new AttachmentPlan(normal.getId(), 2, 0, null);
        when(attachments.findByMachineIdAndPortAndDevice(pg2.getId(), 2, 0))
                .thenReturn(Optional.of(attachment(pg2, 2, normal)));
        assertThat(rules.lostRace(pg2.getId(), plan).slug()).isEqualTo("slot-occupied");

        UUID otherMachine = pg1.getId();
        Attachment winner = attachment(pg2, 5, normal);
        when(attachments.findByExclusiveImageId(normal.getId())).thenReturn(Optional.of(winner));
        ConflictException elsewhere = rules.lostRace(otherMachine, plan);
        assertThat(elsewhere.slug()).isEqualTo("image-attached-elsewhere");
        assertThat(elsewhere).hasMessageContaining("machine " + pg2.label());

        Image other = baseImage("other", "vdi", ImageType.NORMAL);
        assertThat(rules.lostRace(otherMachine, new AttachmentPlan(other.getId(), 2, 0, null)).slug())
                .isEqualTo("concurrent-update");
    }

    private static AttachmentPlan plan(Image image, Boolean autoReset) {
        return new AttachmentPlan(image.getId(), 0, 0, autoReset);
    }
}
