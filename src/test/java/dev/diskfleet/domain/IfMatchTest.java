package dev.diskfleet.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.api.web.ETags;
import org.junit.jupiter.api.Test;

class IfMatchTest {

    @Test
    void anETagIsTheVersionInQuotes() {
        assertThat(ETags.of(3)).isEqualTo("\"3\"");
    }

    @Test
    void noHeaderOrAStarAcceptsAnyVersion() {
        assertThatCode(() -> ETags.ifMatch(null).check(9)).doesNotThrowAnyException();
        assertThatCode(() -> ETags.ifMatch(" * ").check(9)).doesNotThrowAnyException();
        assertThatCode(() -> IfMatch.ANY.check(0)).doesNotThrowAnyException();
    }

    @Test
    void theCurrentStrongTagAnywhereInTheListMatches() {
        assertThatCode(() -> ETags.ifMatch("\"1\", \"4\"").check(4)).doesNotThrowAnyException();
    }

    @Test
    void aWeakTagNeverMatchesSinceIfMatchComparesStrongly() {
        assertThatThrownBy(() -> ETags.ifMatch("W/\"4\"").check(4)).isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> ETags.ifMatch("\"1\", W/\"4\"").check(4))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void anOlderTagIsRefusedNamingBothVersions() {
        assertThatThrownBy(() -> ETags.ifMatch("\"3\"").check(4))
                .isInstanceOfSatisfying(PreconditionFailedException.class,
                        e -> assertThat(e.slug()).isEqualTo("stale-etag"))
                .hasMessage("If-Match \"3\" does not match the current ETag \"4\"; the resource changed since you read it");
        assertThatThrownBy(() -> ETags.ifMatch("4").check(4)).as("an unquoted tag is not an ETag")
                .isInstanceOf(PreconditionFailedException.class);
    }
}
