package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.api.security.WarmUpCredential;
import dev.diskfleet.provisioning.fleet.FleetWarmUp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.diskfleet.support.FullStackFleetTest;
import dev.diskfleet.domain.event.DomainEvent;
import dev.diskfleet.provisioning.event.EventFilter;
import dev.diskfleet.provisioning.event.EventJournal;
import dev.diskfleet.provisioning.event.Subscription;
import dev.diskfleet.provisioning.operation.OperationRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The deployment warm-ups that run at every start (off in the other tests' contexts) leave nothing behind: no
 * row of any kind, no stored or sent event, no file in the storage root and no scratch folder, no audit entry; and the
 * service deploys fleets as before once they ran. The HTTP warm-up ran when this context started.
 */
@TestPropertySource(properties = "diskfleet.fleets.warm-up=true")
class FleetWarmUpTest extends FullStackFleetTest {

    @Autowired
    FleetWarmUp warmUp;
    @Value("${diskfleet.data-dir}")
    Path dataDir;
    @Autowired
    MeterRegistry meters;
    @Autowired
    WarmUpCredential credential;
    @Autowired
    OperationRunner operations;
    @Autowired
    EventJournal journal;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void theWarmUpLeavesNoRowNoEventNoFileAndNoScratchFolder() {
        Leftovers before = leftovers();
        long events = jdbc.sql("SELECT COUNT(*) FROM events").query(Long.class).single();
        List<String> operationsBefore = operationRows();

        warmUp.run();

        assertThat(operationRows()).as("operations after a warm-up that rehearses one").isEqualTo(operationsBefore);
        assertThat(leftovers()).as("rows and storage files after a warm-up").isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events").query(Long.class).single()).as("events stored").isEqualTo(events);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleets WHERE name LIKE 'warm-up-%'").query(Long.class).single()).isZero();
        assertThat(dataDir.resolve(".fleet-warm-up")).as("the warm-up's scratch folder").doesNotExist();
        assertThat(deploy(unique("after-warm-up"), goldenImage(), 3, unique("aw"), false).path("machines")).hasSize(3);
    }

    @Test
    void theHttpWarmUpReachedTheFleetControllerAuthenticatedAndLeftNoAuditEntry() {
        // Its deployment names no image (404) and its other body has a field of the wrong type (400): both got
        // past authentication and into the web layer, three rounds each, and changed nothing.
        assertThat(requests("POST", "/api/fleets", "404")).as("warm-up deployments answered 404").isGreaterThanOrEqualTo(3);
        assertThat(requests("POST", "/api/fleets", "400")).as("warm-up bodies answered 400").isGreaterThanOrEqualTo(3);
        assertThat(requests("POST", "/api/fleets", "401")).as("warm-up requests refused").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE principal_kind = 'warm_up'"
                + " OR principal = 'startup-warm-up' OR path = '/api/fleets' AND status IN (400, 404)").query(Long.class).single())
                .as("audit entries of the warm-up").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleets WHERE name = 'warm-up'").query(Long.class).single()).isZero();
    }

    @Test
    void theWarmUpSecretOpensTheApiOnlyWhileItIsOpen() {
        String secret = credential.open();
        try {
            assertThat(api.get("/api/fleets", "Authorization", "Bearer " + secret).status()).isEqualTo(200);
        } finally {
            credential.close();
        }
        assertThat(api.get("/api/fleets", "Authorization", "Bearer " + secret).status()).isEqualTo(401);
        assertThat(api.get("/api/fleets", "Authorization", "Bearer " + credential.open().substring(1)).status())
                .as("anything but the open secret").isEqualTo(401);
        credential.close();
    }

    @Test
    void anOperationIsRehearsedOnlyInATransactionThatIsRolledBack() {
        assertThatThrownBy(() -> operations.rehearse(new SimpleTransactionStatus(), "fleet.deploy", UUID.randomUUID(),
                "{}")).isInstanceOf(IllegalStateException.class);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM operations WHERE result_json = '\"{}\"'").query(Long.class).single())
                .isZero();
    }

    @Test
    void aRehearsalStoresItsEventsInItsOwnTransactionOnlyAndSendsThemToNoOne() throws InterruptedException {
        UUID resource = UUID.randomUUID();
        DomainEvent event = new DomainEvent("machine.created", resource, Map.of("name", "rehearsed"));
        long before = eventRows(resource);
        try (Subscription subscription = journal.subscribeAfter(new EventFilter(Set.of(), resource), null).subscription()) {
            long inside = new TransactionTemplate(transactions).execute(status -> {
                status.setRollbackOnly();
                events.publishEvent(event);
                journal.rehearseStoring(status);
                return eventRows(resource);
            });
            assertThat(inside).as("the event's row inside the rehearsal's transaction").isEqualTo(before + 1);
            assertThat(eventRows(resource)).as("its row once that transaction rolled back").isEqualTo(before);
            assertThat(subscription.next(300)).as("what a subscriber got from the rehearsal").isNull();

            events.publishEvent(event); // outside a transaction: stored and sent at once
            assertThat(subscription.next(5_000)).as("what a subscriber gets of a stored event").isNotNull();
        }
        assertThatThrownBy(() -> journal.rehearseStoring(new SimpleTransactionStatus()))
                .isInstanceOf(IllegalStateException.class);
    }

    private long eventRows(UUID resource) {
        return jdbc.sql("SELECT COUNT(*) FROM events WHERE resource_id = ?").param(resource).query(Long.class).single();
    }

    private List<String> operationRows() {
        return jdbc.sql("SELECT id || ' ' || state || ' ' || version FROM operations ORDER BY id").query(String.class).list();
    }

    private long requests(String method, String uri, String status) {
        Timer timer = meters.find("http.server.requests").tag("method", method).tag("uri", uri).tag("status", status)
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
