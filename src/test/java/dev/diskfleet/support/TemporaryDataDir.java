package dev.diskfleet.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each application context its own data folder (H2 file and storage root), deleted when the
 * context closes, so tests never share state with each other or touch ./data.
 */
public class TemporaryDataDir implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Path dir = create("diskfleet-test-");
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("temporary-data-dir",
                Map.of("diskfleet.data-dir", dir.toString(), "diskfleet.storage.root", dir.resolve("images").toString())));
        // Last, where application.yml reads it as ${DISKFLEET_ADMIN_TOKEN}: a test that configures its own
        // diskfleet.security.admin-token (or none) still wins.
        // The deployment warm-up at startup is off unless a test turns it on (FleetWarmUpTest): the suite starts
        // many contexts, and each would spend seconds warming up fleets it never deploys.
        context.getEnvironment().getPropertySources().addLast(new MapPropertySource("test-admin-token",
                Map.of("DISKFLEET_ADMIN_TOKEN", DiskfleetClient.TEST_ADMIN_TOKEN, "diskfleet.fleets.warm-up", "false")));
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                deleteTree(dir);
            }
        });
    }

    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: the folder is under the system's temporary directory
        }
    }
}
