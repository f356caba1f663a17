package dev.diskfleet.domain.image;

import static dev.diskfleet.domain.DomainRows.baseImage;
import static dev.diskfleet.domain.DomainRows.differencing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.InvalidRequestException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** VirtualBox's medium rules without Spring or a database: the repository and the usage view are mocks. */
class ImageRulesTest {

    private final ImageRepository images = mock(ImageRepository.class);
    private final ImageUsage usage = mock(ImageUsage.class);
    private final ImageRules rules = new ImageRules(images, usage);
    private final Image golden = baseImage("golden", "vdi", ImageType.NORMAL);

    private static String slugOf(Throwable thrown) {
        return ((DomainException) thrown).slug();
    }

    @Test
    void anImageInARunningMachinesChainIsHeldNamingThatMachine() {
        when(usage.runningHolderOf(golden.getId())).thenReturn(Optional.of("pg-1 (m-1)"));

        assertThatThrownBy(() -> rules.requireNotHeld(golden, "reset")).isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-held"))
                .hasMessage("cannot reset image " + golden.getId() + ": running machine pg-1 (m-1) holds it in its"
                        + " disk chain; stop the machine first");
    }

    @Test
    void childrenOrAttachmentsKeepAnImageFromGoingEachNamed() {
        Image child = differencing(golden, "pg-1-disk");
        when(images.findByParentId(golden.getId())).thenReturn(List.of(child));
        assertThatThrownBy(() -> rules.requireUnused(golden, "delete"))
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-has-children"))
                .hasMessageContaining("pg-1-disk (" + child.getId() + ")");

        when(images.findByParentId(golden.getId())).thenReturn(List.of());
        UUID machine = UUID.randomUUID();
        when(usage.attachmentsOf(golden.getId())).thenReturn(List.of(
                new ImageAttachmentRef(UUID.randomUUID(), machine, "pg-2", null)));
        assertThatThrownBy(() -> rules.requireUnused(golden, "delete"))
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("image-attached"))
                .hasMessageContaining("machine(s) [pg-2 (" + machine + ")]");
    }

    @Test
    void anUnusedBaseImageChangesTypeAndAUsedOneDoesNot() {
        rules.retype(golden, ImageType.IMMUTABLE);
        assertThat(golden.getType()).isEqualTo(ImageType.IMMUTABLE);

        when(usage.attachmentsOf(golden.getId())).thenReturn(List.of(
                new ImageAttachmentRef(UUID.randomUUID(), UUID.randomUUID(), "pg-2", null)));
        assertThatThrownBy(() -> rules.retype(golden, ImageType.NORMAL)).isInstanceOf(ConflictException.class);
        assertThat(golden.getType()).isEqualTo(ImageType.IMMUTABLE);
        assertThatCode(() -> rules.retype(golden, ImageType.IMMUTABLE)).as("the type it has already")
                .doesNotThrowAnyException();
    }

    @Test
    void aDifferencingImageFollowsItsBaseAndAloneHasAutoReset() {
        Image child = differencing(golden, "pg-1-disk");

        assertThatThrownBy(() -> rules.retype(child, ImageType.WRITETHROUGH)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("type-on-differencing"));
        assertThatThrownBy(() -> rules.setAutoReset(golden, false)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(slugOf(e)).isEqualTo("autoreset-on-base"));
        rules.setAutoReset(child, false);
        assertThat(child.isAutoReset()).isFalse();
    }
}
