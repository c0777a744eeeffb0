package io.sluice.tiering.remote;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectKeyFactoryTest {

    private static final Uuid TOPIC = Uuid.fromString("kG5hXxEBR0mJ3xgFVd0Lxw");
    private static final Uuid SEGMENT = Uuid.fromString("7PjpHM1SQ0yq7vU0cw7l8A");

    @Test
    void keysFollowTheDocumentedScheme() {
        // the hash is the first 4 hex digits of: printf '%s' 'kG5hXxEBR0mJ3xgFVd0Lxw/0' | sha256sum
        assertThat(ObjectKeyFactory.key(TOPIC, 0, 1000, SEGMENT, ObjectKeyFactory.Suffix.LOG))
            .isEqualTo("2448/kG5hXxEBR0mJ3xgFVd0Lxw/0/00000000000000001000-7PjpHM1SQ0yq7vU0cw7l8A.log");
        assertThat(ObjectKeyFactory.partitionPrefix(TOPIC, 1)).isEqualTo("d64a/kG5hXxEBR0mJ3xgFVd0Lxw/1/");
        ObjectKeyFactory.SegmentKeys keys = ObjectKeyFactory.segmentKeys(TOPIC, 0, 0, SEGMENT);
        assertThat(List.of(keys.log(), keys.offsetIndex(), keys.timeIndex(), keys.leaderEpochCheckpoint()))
            .allMatch(k -> k.startsWith("2448/kG5hXxEBR0mJ3xgFVd0Lxw/0/00000000000000000000-7PjpHM1SQ0yq7vU0cw7l8A."))
            .extracting(k -> k.substring(k.lastIndexOf('.')))
            .containsExactly(".log", ".index", ".timeindex", ".leader-epoch-checkpoint");
    }

    @Test
    void keysParseBackAndForeignKeysDoNot() {
        for (ObjectKeyFactory.Suffix suffix : ObjectKeyFactory.Suffix.values()) {
            String key = ObjectKeyFactory.key(TOPIC, 7, 123_456_789L, SEGMENT, suffix);
            assertThat(ObjectKeyFactory.parse(key)).contains(new ObjectKeyFactory.ParsedKey(TOPIC, 7, 123_456_789L,
                SEGMENT, suffix));
        }
        String good = ObjectKeyFactory.key(TOPIC, 0, 5, SEGMENT, ObjectKeyFactory.Suffix.LOG);
        assertThat(ObjectKeyFactory.parse("ffff" + good.substring(4))).as("wrong hash").isEmpty();
        assertThat(ObjectKeyFactory.parse(good.replace(".log", ".snapshot"))).isEmpty();
        assertThat(ObjectKeyFactory.parse("backups/" + good)).isEmpty();
        assertThat(ObjectKeyFactory.parse("README")).isEmpty();
    }

    @Test
    void aPartitionsKeysSortByOffsetAndRecreatedTopicsNeverCollide() {
        List<String> keys = new ArrayList<>();
        for (long base : new long[] {0, 9, 10, 100, 99_999, 1_000_000_000_000L}) {
            keys.add(ObjectKeyFactory.key(TOPIC, 0, base, SEGMENT, ObjectKeyFactory.Suffix.LOG));
        }
        assertThat(keys).isSorted();

        Uuid recreated = Uuid.randomUuid();
        assertThat(ObjectKeyFactory.partitionPrefix(recreated, 0))
            .isNotEqualTo(ObjectKeyFactory.partitionPrefix(TOPIC, 0));
        assertThat(ObjectKeyFactory.key(TOPIC, 0, 0, Uuid.randomUuid(), ObjectKeyFactory.Suffix.LOG))
            .as("another upload of the same offsets").isNotEqualTo(keys.get(0));
    }

    @Test
    void hashPrefixesSpreadPartitions() {
        Set<String> prefixes = new HashSet<>();
        Uuid topic = Uuid.randomUuid();
        for (int p = 0; p < 200; p++) {
            prefixes.add(ObjectKeyFactory.hashPrefix(topic, p));
        }
        assertThat(prefixes).hasSizeGreaterThan(190);
    }
}
