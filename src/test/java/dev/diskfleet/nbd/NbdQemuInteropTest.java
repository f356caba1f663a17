package dev.diskfleet.nbd;

import static dev.diskfleet.support.QemuTools.qemuImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real NBD clients against our server: qemu-img, qemu-io and nbdinfo judge what they read and write
 * through an export of a storage chain. Each test names the command that judged it.
 */
class NbdQemuInteropTest {

    @TempDir
    Path root;
    @TempDir
    Path scratch;

    @BeforeEach
    void toolsAreInstalled() {
        QemuTools.require("qemu-img", "qemu-io");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2", "raw"})
    void qemuImgCompareFindsTheExportIdenticalToTheChain(String format) {
        try (ExportedChain chain = new ExportedChain(root, format)) {
            chain.export("disk", false);
            String out = qemuImg("compare", "-f", "raw", "-F", "raw", chain.uri("disk"),
                    chain.expectedRaw(scratch).toString());
            assertThat(out).contains("Images are identical");
        }
    }
}
