package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetRepository;
import dev.diskfleet.domain.fleet.FleetState;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.event.EventJournal;
import dev.diskfleet.provisioning.operation.OperationRunner;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a deployment's steps once at startup, on nothing that stays: the differencing files of a few batches
 * on a small base in a scratch folder ({@code .fleet-warm-up} in the data folder, not the storage root), and
 * the fleet's rows (base, fleet, members, the fleet made ready, its deployment's operation from recorded to
 * succeeded with its result document, and the events the rows announce) in a transaction that is rolled back,
 * so that nothing is committed, no event is stored or sent and no file appears in the storage root. The first
 * fleet after a start then meets loaded classes, prepared statements and compiled code instead of paying for
 * them itself. Five rounds per format (1,000 members in all): with two, the per-member code was still being
 * compiled while the first fleet of 1,000 ran (2.5 s instead of 2.1 s). Then up to six more, each once the
 * compilers are idle, until one sets off little compiling ({@link CompilerSettling}). The HTTP side of a
 * deployment is warmed by {@code api.warmup} once the web server is up. Off with
 * {@code diskfleet.fleets.warm-up=false}; a failure is logged and changes nothing.
 */
@Component
public class FleetWarmUp {

    private static final Logger log = LoggerFactory.getLogger(FleetWarmUp.class);
    private static final int MEMBERS = 100;
    private static final int BATCH = 25;
    private static final int ROUNDS = 5;
    /** Rounds after the compilers went idle, until one costs them less than {@link #QUIET_MILLIS}. */
    private static final int SETTLING_ROUNDS = 6;
    private static final long QUIET_MILLIS = 30;

    private final FleetMembers members;
    private final FleetRepository fleets;
    private final ImageRepository images;
    private final OperationRunner operations;
    private final EventJournal journal;
    private final TransactionTemplate tx;
    private final boolean enabled;
    /** The scratch folder, in the data folder (on the storage root's disk, and never in another's way). */
    private final Path scratch;

    FleetWarmUp(FleetMembers members, FleetRepository fleets, ImageRepository images, OperationRunner operations,
            EventJournal journal, PlatformTransactionManager transactions,
            @Value("${diskfleet.fleets.warm-up:true}") boolean enabled, @Value("${diskfleet.data-dir}") Path dataDir) {
        this.scratch = dataDir.resolve(".fleet-warm-up");
        this.members = members;
        this.fleets = fleets;
        this.images = images;
        this.operations = operations;
        this.journal = journal;
        this.tx = new TransactionTemplate(transactions);
        this.enabled = enabled;
    }

    /** Called once the startup recovery is done, before the web server accepts requests. */
    public void run() {
        if (!enabled) {
            return;
        }
        long start = System.nanoTime();
        try {
            // A process killed during its warm-up left the folder: it holds nothing anyone needs.
            removeQuietly(scratch);
            Files.createDirectories(scratch);
            try (ImageStore files = ImageStore.withDefaultFormats(scratch)) {
                for (String format : List.of("vdi", "qcow2")) {
                    for (int round = 0; round < ROUNDS; round++) {
                        deploy(files, format);
                    }
                }
                int settling = CompilerSettling.ofThisJvm(SETTLING_ROUNDS, QUIET_MILLIS)
                        .run(round -> deploy(files, round % 2 == 0 ? "vdi" : "qcow2"));
                log.info("fleet deployment warmed up in {} ms ({} rounds after the compilers went idle)",
                        (System.nanoTime() - start) / 1_000_000, settling);
            }
        } catch (RuntimeException | IOException e) {
            log.warn("the fleet deployment warm-up failed; the first fleet will be slower", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            removeQuietly(scratch);
        }
    }

    private void deploy(ImageStore files, String format) {
        UUID baseId = UUID.randomUUID();
        ImageSummary baseFile = files.create(baseId, format, 64L << 20, Variant.DYNAMIC);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            images.saveAndFlush(Image.base(baseId, "warm-up-" + tag, "never committed", baseFile, ImageType.IMMUTABLE));
            Fleet fleet = fleets.saveAndFlush(new Fleet(UUID.randomUUID(), "warm-up-" + tag, baseId, baseId, MEMBERS,
                    "warm-up-" + tag, true));
            fleets.existsByName(fleet.getName());
            members.requireNamesFree(IntStream.rangeClosed(1, MEMBERS).mapToObj(fleet::machineName).toList());
            FleetOperationResult result = FleetOperationResult.start(fleet.getId(), baseId, MEMBERS);
            for (int first = 1; first <= MEMBERS; first += BATCH) {
                List<Integer> ordinals = IntStream.range(first, first + BATCH).boxed().toList();
                List<ImageSummary> disks = files.createDifferencing(
                        Stream.generate(UUID::randomUUID).limit(BATCH).toList(), baseId);
                List<Machine> machines = members.writeRows(fleet, ordinals, disks);
                result = result.with(IntStream.range(0, BATCH).mapToObj(i -> new FleetOperationResult.Machine(
                        ordinals.get(i), machines.get(i).getName(), machines.get(i).getId(), "created")).toList());
            }
            fleet.resize(MEMBERS);
            fleet.moveTo(FleetState.READY);
            fleets.saveAndFlush(fleet);
            operations.rehearse(status, "fleet.deploy", fleet.getId(), result);
            journal.rehearseStoring(status);
        });
    }

    private static void removeQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("the warm-up's scratch folder {} could not be removed", folder, e);
        }
    }
}
