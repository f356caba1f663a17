package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.token.BootstrapAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The first admin's token without configuration: made once, kept private, named in the log but never shown. */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapAdminFileTest {

    @Test
    void theFirstStartWritesAPrivateFileAndLogsItsPathNotTheSecret(@TempDir Path dataDir, CapturedOutput output)
            throws Exception {
        BootstrapAdmin admin = new BootstrapAdmin("", dataDir.resolve("data"));

        Path file = dataDir.resolve("data/admin-token");
        String secret = Files.readString(file).trim();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(admin.matches(secret)).isTrue();
        assertThat(admin.matches(secret + "x")).isFalse();
        assertThat(output.getAll()).contains(file.toAbsolutePath().toString()).doesNotContain(secret);
    }

    @Test
    void laterStartsReadTheSameFile(@TempDir Path dataDir) throws Exception {
        new BootstrapAdmin("", dataDir);
        String secret = Files.readString(dataDir.resolve("admin-token")).trim();

        BootstrapAdmin restarted = new BootstrapAdmin("", dataDir);

        assertThat(restarted.matches(secret)).isTrue();
        assertThat(Files.readString(dataDir.resolve("admin-token")).trim()).isEqualTo(secret);
    }

    @Test
    void aConfiguredTokenWinsAndNoFileIsWritten(@TempDir Path dataDir, CapturedOutput output) {
        String configured = "configured-admin-token-0123456789abcdefghij";
        BootstrapAdmin admin = new BootstrapAdmin(configured, dataDir);

        assertThat(admin.matches(configured)).isTrue();
        assertThat(Files.exists(dataDir.resolve("admin-token"))).isFalse();
        assertThat(output.getAll()).doesNotContain(configured);
    }
}
