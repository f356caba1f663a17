package dev.diskfleet.hypervisor.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The seed image as outside tools read it: {@code isoinfo} (Debian's genisoimage) for the volume label and
 * the files, SnakeYAML's safe loader, as cloud-init's {@code yaml.safe_load} does, for the meta-data.
 */
class SeedImageToolTest {

    private static final String HOSTILE = "a\"b\\c: d\n#e !!python/object:os.system $(touch /tmp/pwned) `id` ü\u0007";

    @TempDir
    Path dir;

    /** Both tools the service may find: genisoimage (taken first) and xorriso in its genisoimage mode. */
    @ParameterizedTest
    @ValueSource(strings = {"genisoimage", "xorriso"})
    void theSeedIsAnIsoLabelledCidataWhoseFilesHoldExactlyWhatWasGiven(String tool) throws Exception {
        QemuTools.requireOnPath("Debian packages genisoimage and xorriso", "isoinfo", tool);
        Map<String, String> metaData = new LinkedHashMap<>();
        metaData.put("role", "primary");
        metaData.put("odd", HOSTILE);
        String userData = "#cloud-config\npassword: s3cret-" + HOSTILE + "\n";
        String networkConfig = "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n";
        NoCloudSeed seed = new NoCloudSeed("0b5e6a2c-1f3d-4b7a-9c8e-2d4f6a8b0c1e", "pg-" + HOSTILE, metaData,
                userData, networkConfig);
        Path image = dir.resolve("seed.iso");

        new SeedImageTool(tool.equals("xorriso") ? List.of(tool, "-as", "genisoimage") : List.of(tool))
                .write(seed, image);

        assertThat(isoinfo("-d", "-i", image.toString())).contains("Volume id: cidata");
        assertThat(isoinfo("-R", "-f", "-i", image.toString()).lines().sorted().toList())
                .containsExactly("/meta-data", "/network-config", "/user-data");
        assertThat(isoinfo("-J", "-f", "-i", image.toString()).lines().sorted().toList())
                .as("Joliet names too").containsExactly("/meta-data", "/network-config", "/user-data");
        assertThat(isoinfo("-R", "-x", "/user-data", "-i", image.toString())).isEqualTo(userData);
        assertThat(isoinfo("-R", "-x", "/network-config", "-i", image.toString())).isEqualTo(networkConfig);
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(isoinfo("-R", "-x", "/meta-data", "-i", image.toString()));
        assertThat(parsed).isEqualTo(Map.of("instance-id", "0b5e6a2c-1f3d-4b7a-9c8e-2d4f6a8b0c1e",
                "local-hostname", "pg-" + HOSTILE, "role", "primary", "odd", HOSTILE));
        assertThat(Path.of("/tmp/pwned")).as("nothing of the values ran in a shell").doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the user-data's plain files do not outlive the image")
                    .containsExactly(image);
        }
    }

    @Test
    void withoutUserDataOrNetworkConfigTheSeedHasAMinimalCloudConfigAndNoNetworkConfig() throws Exception {
        QemuTools.requireOnPath("Debian package genisoimage", "isoinfo");
        Path image = dir.resolve("seed.iso");

        SeedImageTool.onPath().write(new NoCloudSeed("id-1", "db-1", Map.of(), null, null), image);

        assertThat(isoinfo("-R", "-f", "-i", image.toString()).lines().sorted().toList())
                .containsExactly("/meta-data", "/user-data");
        assertThat(isoinfo("-R", "-x", "/user-data", "-i", image.toString())).startsWith("#cloud-config\n");
        assertThat(isoinfo("-R", "-x", "/meta-data", "-i", image.toString()))
                .isEqualTo("instance-id: \"id-1\"\nlocal-hostname: \"db-1\"\n");
    }

    @Test
    void aHostWithoutGenisoimageOrXorrisoGetsAnErrorThatSaysWhatToInstall() {
        Path image = dir.resolve("seed.iso");

        assertThatThrownBy(() -> SeedImageTool.missing().write(new NoCloudSeed("i", "h", Map.of(), null, null), image))
                .isInstanceOf(SeedImageException.class)
                .hasMessageContaining("genisoimage").hasMessageContaining("xorriso");
        assertThat(image).doesNotExist();
    }

    @Test
    void theSeedCannotBeToldItsOwnInstanceIdOrHostnameTwice() {
        assertThatThrownBy(() -> new NoCloudSeed("i", "h", Map.of("local-hostname", "x"), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String isoinfo(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Stream.concat(Stream.of("isoinfo"), Stream.of(args)).toList())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("isoinfo %s", List.of(args)).isZero();
        return out;
    }
}
