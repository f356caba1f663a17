package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The check every full-stack class runs last: it names a status the document lacks, and only that. */
class DocumentedStatusesTest {

    @Test
    void aStatusTheDocumentDoesNotGiveForTheOperationIsReported() {
        DocumentedStatuses.undocumented();
        DocumentedStatuses.record("POST", "/api/fleets", 200);
        DocumentedStatuses.record("POST", "/api/fleets", 202);
        DocumentedStatuses.record("PUT", "/api/images/uploads", 201);
        DocumentedStatuses.record("GET", "/api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/attachments", 404);
        DocumentedStatuses.record("GET", "/actuator/health", 200);

        assertThat(DocumentedStatuses.undocumented()).singleElement().asString()
                .startsWith("POST /api/fleets answered 200");
    }

    @Test
    void aLiteralPathIsJudgedBeforeATemplateThatAlsoMatchesIt() {
        DocumentedStatuses.undocumented();
        DocumentedStatuses.record("PUT", "/api/images/uploads", 422);
        DocumentedStatuses.record("GET", "/api/images/uploads", 405);

        assertThat(DocumentedStatuses.undocumented()).isEmpty();
    }
}
