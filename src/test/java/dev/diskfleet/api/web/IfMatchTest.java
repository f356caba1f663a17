package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.PreconditionFailedException;
import org.junit.jupiter.api.Test;

class IfMatchTest {

    @Test
    void anETagIsTheVersionInQuotes() {
        assertThat(ETags.of(3)).isEqualTo("\"3\"");
    }

    @Test
    void noHeaderOrAStarAcceptsAnyVersion() {
        assertThat(IfMatch.parse(null)).isEqualTo(ExpectedVersion.ANY);
        assertThat(IfMatch.parse(" * ")).isEqualTo(ExpectedVersion.ANY);
        assertThatCode(() -> ETags.ifMatch(null).check(9)).doesNotThrowAnyException();
        assertThatCode(() -> ETags.ifMatch(" * ").check(9)).doesNotThrowAnyException();
        assertThatCode(() -> ExpectedVersion.ANY.check(0)).doesNotThrowAnyException();
    }

    @Test
    void theCurrentStrongTagAnywhereInTheListMatches() {
        assertThat(IfMatch.parse("\"1\", \"4\"").versions()).containsExactlyInAnyOrder(1L, 4L);
        assertThatCode(() -> ETags.ifMatch("\"1\", \"4\"").check(4)).doesNotThrowAnyException();
    }

    @Test
    void aWeakTagNeverMatchesSinceIfMatchComparesStrongly() {
        assertThat(IfMatch.parse("W/\"4\"").versions()).isEmpty();
        assertThatThrownBy(() -> ETags.ifMatch("W/\"4\"").check(4)).isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> ETags.ifMatch("\"1\", W/\"4\"").check(4))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void onlyOurOwnSpellingOfAVersionMatches() {
        assertThatThrownBy(() -> ETags.ifMatch("4").check(4)).as("an unquoted tag is not an ETag")
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> ETags.ifMatch("\"04\"").check(4)).as("we never write a leading zero")
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> ETags.ifMatch("\"99999999999999999999\"").check(4)).as("beyond any version")
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void anOlderTagIsRefusedNamingBothVersions() {
        assertThatThrownBy(() -> ETags.ifMatch("\"3\"").check(4))
                .isInstanceOfSatisfying(PreconditionFailedException.class,
                        e -> assertThat(e.slug()).isEqualTo("stale-etag"))
                .hasMessage("the resource changed since you read it: its ETag is now \"4\", not \"3\"; read it again and retry");
        assertThatThrownBy(() -> ETags.ifMatch("\"1\", \"3\"").check(4))
                .hasMessageContaining("not any of \"1\", \"3\"");
    }
}
