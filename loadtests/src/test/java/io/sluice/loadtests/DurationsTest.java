package io.sluice.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {
    @Test
    void parsesNumbersWithUnitsAndBareSeconds() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse(" 2.5 ")).isEqualTo(Duration.ofMillis(2500));
        assertThat(Durations.parse("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsOtherText() {
        assertThatThrownBy(() -> Durations.parse("5x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("-5s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Durations().convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
