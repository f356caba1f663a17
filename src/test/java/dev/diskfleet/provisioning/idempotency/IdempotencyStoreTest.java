package dev.diskfleet.provisioning.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.LocalNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The idempotency store against its real table: an in-memory H2 database migrated by the service's own
 * Flyway scripts, and no Spring context.
 */
class IdempotencyStoreTest {

    private static final Duration RETENTION = Duration.ofHours(24);

    private JdbcClient jdbc;
    private IdempotencyStore store;

    private static final String ALICE = "token:alice";

    @BeforeEach
    void freshDatabase() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:idempotency-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        store = new IdempotencyStore(jdbc, RETENTION, new LocalNode("node-a"), false);
    }

    @Test
    void theFirstClaimWinsAndASecondSeesItInProgress() {
        assertThat(store.claim(ALICE, "k1", "POST", "/api/images")).isEmpty();

        Optional<StoredAnswer> second = store.claim(ALICE, "k1", "POST", "/api/images");

        assertThat(second).hasValueSatisfying(answer -> {
            assertThat(answer.completed()).isFalse();
            assertThat(answer.method()).isEqualTo("POST");
            assertThat(answer.requestTarget()).isEqualTo("/api/images");
            assertThat(answer.bodySha256()).isNull();
        });
    }

    @Test
    void aKeyBelongsToItsPrincipal() {
        store.claim(ALICE, "shared", "POST", "/api/images");

        assertThat(store.claim("token:bob", "shared", "POST", "/api/images")).as("bob's own, fresh claim").isEmpty();
        assertThat(store.claim(ALICE, "shared", "POST", "/api/images")).isPresent();
    }

    @Test
    void aCompletedAnswerIsReplayedAsStored() {
        store.claim(ALICE, "k2", "POST", "/api/fleets");
        store.complete(ALICE, "k2", "ab".repeat(32), 202, "/api/operations/7", "\"0\"", "application/json", "{\"id\":7}");

        assertThat(store.claim(ALICE, "k2", "POST", "/api/fleets")).contains(new StoredAnswer("k2", "POST", "/api/fleets",
                true, "ab".repeat(32), 202, "/api/operations/7", "\"0\"", "application/json", "{\"id\":7}"));
    }

    @Test
    void aReleasedKeyCanBeClaimedAgainButACompletedOneIsNotReleased() {
        store.claim(ALICE, "k3", "POST", "/api/images");
        store.release(ALICE, "k3");
        assertThat(store.claim(ALICE, "k3", "POST", "/api/images")).as("claimed afresh").isEmpty();

        store.complete(ALICE, "k3", "cd".repeat(32), 201, "/api/images/1", "\"0\"", "application/json", "{}");
        store.release(ALICE, "k3");
        assertThat(store.claim(ALICE, "k3", "POST", "/api/images")).hasValueSatisfying(a -> assertThat(a.completed()).isTrue());
    }

    @Test
    void anAnswerOlderThanTheRetentionIsForgottenAndTheKeyClaimedAfresh() {
        store.claim(ALICE, "old", "POST", "/api/images");
        store.complete(ALICE, "old", "ef".repeat(32), 201, "/api/images/2", "\"0\"", "application/json", "{}");
        ageBy("old", RETENTION.plusMinutes(1));

        assertThat(store.claim(ALICE, "old", "POST", "/api/images")).isEmpty();
        assertThat(store.claim(ALICE, "old", "POST", "/api/images")).hasValueSatisfying(a -> assertThat(a.completed()).isFalse());
    }

    @Test
    void atStartupInterruptedClaimsAndExpiredAnswersGoButRecentAnswersStay() {
        store.claim(ALICE, "running", "POST", "/api/images");
        store.claim(ALICE, "recent", "POST", "/api/images");
        store.complete(ALICE, "recent", "01".repeat(32), 201, "/api/images/3", "\"0\"", "application/json", "{}");
        store.claim(ALICE, "expired", "POST", "/api/images");
        store.complete(ALICE, "expired", "02".repeat(32), 201, "/api/images/4", "\"0\"", "application/json", "{}");
        ageBy("expired", RETENTION.plusHours(1));

        store.releaseInterruptedClaims();

        assertThat(jdbc.sql("SELECT idem_key FROM idempotency_keys").query(String.class).list())
                .containsExactly("recent");
    }

    @Test
    void inAClusterANodeStartingReleasesItsOwnClaimsAndThoseOfNoNodeButNotAnotherNodes() {
        IdempotencyStore nodeA = new IdempotencyStore(jdbc, RETENTION, new LocalNode("node-a"), true);
        IdempotencyStore nodeB = new IdempotencyStore(jdbc, RETENTION, new LocalNode("node-b"), true);
        nodeA.claim(ALICE, "a-running", "POST", "/api/images");
        nodeB.claim(ALICE, "b-interrupted", "POST", "/api/images");
        nodeB.claim(ALICE, "from-before", "POST", "/api/images");
        jdbc.sql("UPDATE idempotency_keys SET node = NULL WHERE idem_key = 'from-before'").update();

        nodeB.releaseInterruptedClaims();

        assertThat(jdbc.sql("SELECT idem_key FROM idempotency_keys").query(String.class).list())
                .containsExactly("a-running");
        assertThat(nodeA.claim(ALICE, "a-running", "POST", "/api/images")).as("still claimed by node-a's request")
                .hasValueSatisfying(answer -> assertThat(answer.completed()).isFalse());
        assertThat(nodeA.claim(ALICE, "b-interrupted", "POST", "/api/images")).as("free to claim again").isEmpty();
    }

    private void ageBy(String key, Duration age) {
        jdbc.sql("UPDATE idempotency_keys SET created_at = ? WHERE idem_key = ?")
                .params(OffsetDateTime.now().minus(age), key).update();
    }
}
