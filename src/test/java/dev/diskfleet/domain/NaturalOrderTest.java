package dev.diskfleet.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {

    @Test
    void numbersInNamesSortByValue() {
        assertThat(sorted("db-10", "db-2", "db-11", "db-1")).containsExactly("db-1", "db-2", "db-10", "db-11");
        assertThat(sorted("web-2-b", "web-10-a", "web-2-a")).containsExactly("web-2-a", "web-2-b", "web-10-a");
    }

    @Test
    void numbersBeyondALongAndLeadingZerosAndCaseStillGiveATotalOrder() {
        assertThat(sorted("x-100000000000000000000", "x-99999999999999999999"))
                .containsExactly("x-99999999999999999999", "x-100000000000000000000");
        assertThat(sorted("db-2", "db-02", "db-1")).containsExactly("db-1", "db-02", "db-2");
        assertThat(sorted("Web", "alpha", "web")).containsExactly("alpha", "Web", "web");
        assertThat(sorted("db", "db-1", "d")).containsExactly("d", "db", "db-1");
    }

    private static List<String> sorted(String... names) {
        List<String> list = new ArrayList<>(List.of(names));
        list.sort(NaturalOrder.NAMES);
        return list;
    }
}
