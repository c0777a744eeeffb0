package io.sluice.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {
    @Test
    void bareNumbersAreBytes() {
        assertThat(ByteSizes.parse("0")).isZero();
        assertThat(ByteSizes.parse("1048576")).isEqualTo(1_048_576L);
        assertThat(ByteSizes.parse(" 17 b ")).isEqualTo(17L);
    }

    @Test
    void unitsArePowersOf1024WhateverTheSpelling() {
        assertThat(ByteSizes.parse("64k")).isEqualTo(64L * 1024);
        assertThat(ByteSizes.parse("64KB")).isEqualTo(64L * 1024);
        assertThat(ByteSizes.parse("64KiB")).isEqualTo(64L * 1024);
        assertThat(ByteSizes.parse("256m")).isEqualTo(256L << 20);
        assertThat(ByteSizes.parse("256MiB")).isEqualTo(256L << 20);
        assertThat(ByteSizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSizes.parse("3g")).isEqualTo(3L << 30);
        assertThat(ByteSizes.parse("2TiB")).isEqualTo(2L << 40);
    }

    @Test
    void rejectsTextThatIsNotASize() {
        assertThatThrownBy(() -> ByteSizes.parse("1.5GiB")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5GiB");
        assertThatThrownBy(() -> ByteSizes.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSizes.parse("12 apples")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSizes.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsSizesThatOverflowALong() {
        assertThatThrownBy(() -> ByteSizes.parse("9223372036854775807k")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("99999999999999999999")).hasMessageContaining("too large");
        assertThat(ByteSizes.parse("8388607TiB")).isEqualTo(8_388_607L << 40);
    }
}
