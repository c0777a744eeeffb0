package io.sluice.loadtests.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    // A real line from a JVM (fields 1-24 of 52), utime 1234 and stime 567.
    private static final String JAVA_LINE =
        "4321 (java) S 1 4321 4321 0 -1 1077936384 250000 0 12 0 1234 567 0 0 20 0 87 0 1500 7000000000 300000";

    @Test
    void readsUtimeAndStime() {
        ProcStat stat = ProcStat.parse(JAVA_LINE + "\n");
        assertThat(stat.pid()).isEqualTo(4321);
        assertThat(stat.comm()).isEqualTo("java");
        assertThat(stat.userTicks()).isEqualTo(1234);
        assertThat(stat.systemTicks()).isEqualTo(567);
        assertThat(stat.totalTicks()).isEqualTo(1801);
    }

    @Test
    void countsFieldsFromTheLastParenthesisBecauseCommMayContainSpacesAndParentheses() {
        String line = "77 (my (odd) proc 1) R 1 77 77 0 -1 4194560 10 0 0 0 42 8 0 0 20 0 1 0 100 1000 10";
        ProcStat stat = ProcStat.parse(line);
        assertThat(stat.comm()).isEqualTo("my (odd) proc 1");
        assertThat(stat.userTicks()).isEqualTo(42);
        assertThat(stat.systemTicks()).isEqualTo(8);
    }

    @Test
    void rejectsLinesOfAnotherShape() {
        assertThatThrownBy(() -> ProcStat.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("12 java S 1 2 3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("12 (java) S 1 2 3 4 5")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("need at least 15");
        assertThatThrownBy(() -> ProcStat.parse("12 (java) S 1 1 1 0 -1 0 0 0 0 0 x 5 0 0"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-numeric");
    }
}
