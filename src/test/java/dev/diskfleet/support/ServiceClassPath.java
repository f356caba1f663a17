package dev.diskfleet.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The class path and JVM options a child service starts with: the test JVM's class path without the test
 * classes, and a class-data sharing archive of the service's classes, made once per build of them, so that
 * each of the suite's few dozen child starts skips a third of its class loading.
 *
 * <p>A CDS archive takes classes from jars only, so the service's own classes go into a jar under
 * {@code target/service-cds/<hash of the classes>/}, and one training start
 * ({@code -XX:ArchiveClassesAtExit}, {@code spring.context.exit=onRefresh}) writes the archive next to it.
 * Without the archive (a training start that failed) children start without one: slower, not different.
 */
final class ServiceClassPath {

    private static final Path CACHE = Path.of("target", "service-cds");
    private static ServiceClassPath prepared;

    private final String classPath;
    private final List<String> jvmOptions;

    private ServiceClassPath(String classPath, List<String> jvmOptions) {
        this.classPath = classPath;
        this.jvmOptions = jvmOptions;
    }

    String classPath() {
        return classPath;
    }

    List<String> jvmOptions() {
        return jvmOptions;
    }

    /** Prepared once per test JVM; across JVMs (two forks, Surefire then Failsafe) a file lock lets one prepare at a time. */
    static synchronized ServiceClassPath get() {
        if (prepared == null) {
            prepared = prepare();
        }
        return prepared;
    }

    private static ServiceClassPath prepare() {
        List<String> entries = Arrays.stream(testClassPath().split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .toList();
        String plain = String.join(File.pathSeparator, entries);
        List<Path> directories = entries.stream().map(Path::of).filter(Files::isDirectory).toList();
        if (directories.size() != 1) {
            return new ServiceClassPath(plain, List.of());
        }
        try {
            Path folder = CACHE.resolve(fingerprint(directories.get(0)));
            Files.createDirectories(CACHE);
            try (FileChannel channel = FileChannel.open(CACHE.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                if (!Files.isDirectory(folder)) {
                    forgetOlderBuilds();
                }
                Files.createDirectories(folder);
                Path jar = folder.resolve("classes.jar");
                if (!Files.exists(jar)) {
                    writeJar(directories.get(0), jar);
                }
                List<String> withJar = new ArrayList<>(entries.stream()
                        .filter(entry -> !Files.isDirectory(Path.of(entry))).toList());
                withJar.add(jar.toAbsolutePath().toString());
                String classPath = String.join(File.pathSeparator, withJar);
                Path archive = folder.resolve("service.jsa");
                if (!Files.exists(archive) && !Files.exists(folder.resolve("training-failed"))) {
                    train(classPath, folder, archive);
                }
                return Files.exists(archive)
                        ? new ServiceClassPath(classPath, List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
                                "-Xlog:cds=off", "-Xlog:cds+dynamic=off"))
                        : new ServiceClassPath(classPath, List.of());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The archives of earlier builds of the classes: 140 MB each, never used again. */
    private static void forgetOlderBuilds() {
        if (Files.isDirectory(CACHE)) {
            try (Stream<Path> builds = Files.list(CACHE)) {
                builds.filter(Files::isDirectory).forEach(TemporaryDataDir::deleteTree);
            } catch (IOException | RuntimeException e) {
                // another JVM may be using one: it stays until the next build
            }
        }
    }

    /** One start of the service that stops once its context is up and writes the classes it loaded. */
    private static void train(String classPath, Path folder, Path archive) throws IOException {
        Path data = Files.createTempDirectory("diskfleet-cds-training-");
        Path log = folder.resolve("training.log");
        Process training = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:ArchiveClassesAtExit=" + folder.resolve("service.jsa.tmp").toAbsolutePath(),
                "-Dspring.context.exit=onRefresh", "-cp", classPath, "dev.diskfleet.DiskfleetApplication",
                "--diskfleet.data-dir=" + data, "--server.port=0", "--diskfleet.hypervisor=none",
                "--spring.main.banner-mode=off", "--diskfleet.security.admin-token=" + ServiceProcess.ADMIN_TOKEN)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = training.waitFor(5, TimeUnit.MINUTES);
            Path written = folder.resolve("service.jsa.tmp");
            if (ended && training.exitValue() == 0 && Files.exists(written)) {
                Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
            } else {
                training.destroyForcibly();
                Files.writeString(folder.resolve("training-failed"), "see training.log");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            training.destroyForcibly();
        } finally {
            TemporaryDataDir.deleteTree(data);
        }
    }

    /** Names, sizes and modification times of every file under the classes folder, hashed. */
    private static String fingerprint(Path classes) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    digest.update((classes.relativize(file) + "|" + Files.size(file) + "|"
                            + Files.getLastModifiedTime(file).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            digest.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        Path temporary = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(temporary); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path path : files.sorted().toList()) {
                String name = classes.relativize(path).toString().replace(File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
        Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The test JVM's class path: Surefire and Failsafe name the real one in a property. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
