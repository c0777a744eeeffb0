package io.sluice.broker.tiering;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentObjects;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.remote.ObjectKeyFactory;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RemoteLogChecker} on synthetic registrations and listings. */
class RemoteLogCheckerTest {
    private static final Uuid TOPIC = Uuid.fromString("kG5hXxEBR0mJ3xgFVd0Lxw");
    private static final int PARTITION = 0;
    private static final Instant WRITTEN = Instant.parse("2026-11-21T12:00:00Z");

    /** A registration of {@code [base, last]} whose objects have sizes derived from the offsets. */
    private static RemoteSegmentMetadata segment(long base, long last) {
        Uuid id = Uuid.randomUuid();
        ObjectKeyFactory.SegmentKeys keys = ObjectKeyFactory.segmentKeys(TOPIC, PARTITION, base, id);
        long logSize = 100 + (last - base + 1) * 10;
        RemoteSegmentObjects objects = new RemoteSegmentObjects(new RemoteObject(keys.log(), logSize, "00000001"),
                new RemoteObject(keys.offsetIndex(), 8, "00000002"), new RemoteObject(keys.timeIndex(), 12, "00000003"),
                new RemoteObject(keys.leaderEpochCheckpoint(), 10, "00000004"));
        TreeMap<Integer, Long> epochs = new TreeMap<>();
        epochs.put(0, base);
        return new RemoteSegmentMetadata(TOPIC, "t", PARTITION, id, base, last, 1L, 2L, logSize, epochs, objects, 0,
                1, 3L, RemoteSegmentState.COPY_FINISHED);
    }

    /** The objects of {@code segments} exactly as registered. */
    private static List<ObjectSummary> objectsOf(List<RemoteSegmentMetadata> segments) {
        List<ObjectSummary> objects = new ArrayList<>();
        for (RemoteSegmentMetadata s : segments) {
            s.objects().all().forEach(o -> objects.add(new ObjectSummary(o.key(), o.sizeInBytes(), WRITTEN)));
        }
        return objects;
    }

    private static RemoteLogReport check(List<RemoteSegmentMetadata> segments, List<ObjectSummary> objects) {
        return RemoteLogChecker.check(new RemoteLogChecker.Snapshot(TOPIC, PARTITION, objects, segments, objects));
    }

    @Test
    void contiguousRegistrationsWithAllTheirObjectsAreOk() {
        List<RemoteSegmentMetadata> segments = List.of(segment(0, 9), segment(10, 24), segment(25, 25));
        RemoteLogReport report = check(segments, objectsOf(segments));
        assertThat(report.violations()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.firstOffset()).isZero();
        assertThat(report.lastOffset()).isEqualTo(25);
        assertThat(report.orphans()).isEmpty();
        assertThat(report.deleteStarted()).isEmpty();
    }

    @Test
    void registrationsAreCheckedInOffsetOrderWhateverOrderTheyCameIn() {
        List<RemoteSegmentMetadata> segments = List.of(segment(10, 19), segment(0, 9));
        RemoteLogReport report = check(segments, objectsOf(segments));
        assertThat(report.violations()).isEmpty();
        assertThat(report.registrations()).extracting(RemoteSegmentMetadata::baseOffset).containsExactly(0L, 10L);
    }

    @Test
    void reportsAGapAndAnOverlap() {
        List<RemoteSegmentMetadata> segments = List.of(segment(0, 9), segment(12, 20), segment(18, 30));
        RemoteLogReport report = check(segments, objectsOf(segments));
        assertThat(report.violations()).hasSize(2);
        assertThat(report.violations().get(0)).startsWith("GAP offsets [10, 11]");
        assertThat(report.violations().get(1)).startsWith("OVERLAP").contains("share offsets [18, 20]");
        assertThat(report.ok()).isFalse();
    }

    @Test
    void reportsMissingObjectsAndSizeMismatches() {
        List<RemoteSegmentMetadata> segments = List.of(segment(0, 9), segment(10, 19));
        List<ObjectSummary> objects = new ArrayList<>(objectsOf(segments));
        String missing = segments.get(1).objects().timeIndex().key();
        objects.removeIf(o -> o.key().equals(missing));
        String truncated = segments.get(0).objects().log().key();
        objects.replaceAll(o -> o.key().equals(truncated) ? new ObjectSummary(o.key(), 7, WRITTEN) : o);

        RemoteLogReport report = check(segments, objects);

        assertThat(report.violations()).hasSize(2);
        assertThat(report.violations()).anySatisfy(v -> assertThat(v).startsWith("MISSING_OBJECT " + missing));
        assertThat(report.violations()).anySatisfy(v -> assertThat(v).startsWith("SIZE_MISMATCH " + truncated)
                .contains("has 7 bytes in the bucket, 200 registered"));
    }

    @Test
    void existenceIsCheckedAgainstTheListingTakenAfterTheRegistrations() {
        List<RemoteSegmentMetadata> segments = List.of(segment(0, 9), segment(10, 19));
        // the second segment was uploaded and registered between the first listing and the registrations' read
        List<ObjectSummary> before = objectsOf(segments.subList(0, 1));
        RemoteLogReport report = RemoteLogChecker.check(new RemoteLogChecker.Snapshot(TOPIC, PARTITION, before,
                segments, objectsOf(segments)));
        assertThat(report.violations()).isEmpty();
    }

    @Test
    void unreferencedSchemeObjectsAreCollectableOrphansAndOtherObjectsAreViolations() {
        List<RemoteSegmentMetadata> segments = List.of(segment(0, 9));
        RemoteSegmentMetadata fenced = segment(10, 19); // uploaded, registration refused: never registered
        List<ObjectSummary> objects = new ArrayList<>(objectsOf(List.of(segments.get(0), fenced)));
        String stray = ObjectKeyFactory.partitionPrefix(TOPIC, PARTITION) + "notes.txt";
        objects.add(new ObjectSummary(stray, 3, WRITTEN));

        RemoteLogReport report = check(segments, objects);

        assertThat(report.orphans()).hasSize(4).allMatch(o -> o.contains(fenced.segmentId().toString()));
        assertThat(report.violations()).singleElement().asString()
                .startsWith("UNCOLLECTABLE_OBJECT " + stray);
    }

    @Test
    void deleteStartedRegistrationsAreReportedAndAHoleInTheReadableLogIsAViolation() {
        RemoteSegmentMetadata first = segment(0, 9).withState(RemoteSegmentState.DELETE_STARTED);
        RemoteSegmentMetadata second = segment(10, 19);
        RemoteSegmentMetadata third = segment(20, 29).withState(RemoteSegmentState.DELETE_STARTED);
        List<RemoteSegmentMetadata> oldestFirst = List.of(first, second);
        assertThat(check(oldestFirst, objectsOf(oldestFirst)).violations()).isEmpty();
        assertThat(check(oldestFirst, objectsOf(oldestFirst)).deleteStarted()).containsExactly(first);

        List<RemoteSegmentMetadata> withHole = List.of(first, second, third);
        RemoteLogReport report = check(withHole, objectsOf(withHole));
        assertThat(report.deleteStarted()).containsExactly(first, third);
        assertThat(report.violations()).singleElement().asString().startsWith("READABLE_HOLE");
    }

    @Test
    void registeredKeysMustNameTheirOwnSegment() {
        RemoteSegmentMetadata good = segment(0, 9);
        RemoteSegmentMetadata other = segment(10, 19);
        // a registration whose index key is another upload's
        RemoteSegmentObjects mixed = new RemoteSegmentObjects(good.objects().log(), other.objects().offsetIndex(),
                good.objects().timeIndex(), good.objects().leaderEpochCheckpoint());
        RemoteSegmentMetadata bad = new RemoteSegmentMetadata(TOPIC, "t", PARTITION, good.segmentId(), 0, 9, 1L, 2L,
                good.sizeInBytes(), good.segmentLeaderEpochs(), mixed, 0, 1, 3L, RemoteSegmentState.COPY_FINISHED);
        RemoteLogReport report = check(List.of(bad), objectsOf(List.of(bad)));
        assertThat(report.violations()).singleElement().asString()
                .startsWith("BAD_KEY " + other.objects().offsetIndex().key());
    }

    @Test
    void aRegistrationOfAnotherPartitionIsAViolation() {
        RemoteSegmentMetadata segment = segment(0, 9);
        RemoteLogReport report = RemoteLogChecker.check(new RemoteLogChecker.Snapshot(TOPIC, 1, List.of(),
                List.of(segment), objectsOf(List.of(segment))));
        assertThat(report.violations()).anySatisfy(v -> assertThat(v).startsWith("WRONG_PARTITION"));
    }
}
