package io.sluice.broker.tiering;

import io.sluice.storage.log.SegmentInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CopyCandidateTest {
    private static SegmentInfo segment(long base, long next, boolean active) {
        Path p = Path.of(base + ".log");
        return new SegmentInfo(base, next, next > base ? 100 : 0, 0, p, p, p, active);
    }

    private static final List<SegmentInfo> SEGMENTS = List.of(segment(0, 10, false), segment(10, 20, false),
            segment(20, 30, false), segment(30, 35, true));

    @Test
    void picksTheOldestSealedSegmentAtOrAfterTheRemoteLogsNextOffset() {
        assertThat(CopyCandidate.select(SEGMENTS, 35, 0).segment()).contains(SEGMENTS.get(0));
        assertThat(CopyCandidate.select(SEGMENTS, 35, 10).segment()).contains(SEGMENTS.get(1));
        assertThat(CopyCandidate.select(SEGMENTS, 35, 20).segment()).contains(SEGMENTS.get(2));
    }

    @Test
    void neverPicksTheActiveSegmentOrOneReachingAboveTheHighWatermark() {
        assertThat(CopyCandidate.select(SEGMENTS, 35, 30).segment()).isEmpty();
        assertThat(CopyCandidate.select(SEGMENTS, 29, 20).segment()).isEmpty();
        assertThat(CopyCandidate.select(SEGMENTS, 30, 20).segment()).contains(SEGMENTS.get(2));
        assertThat(CopyCandidate.select(SEGMENTS, 5, 0).segment()).isEmpty();
    }

    @Test
    void returnsASegmentStraddlingTheBoundaryAndNothingAfterIt() {
        CopyCandidate candidate = CopyCandidate.select(SEGMENTS, 35, 15);
        assertThat(candidate.straddling()).contains(SEGMENTS.get(1));
        assertThat(candidate.segment()).isEmpty();
        assertThat(CopyCandidate.select(SEGMENTS, 35, 10).straddling()).isEmpty();
    }

    @Test
    void skipsEmptySealedSegments() {
        List<SegmentInfo> withEmpty = List.of(segment(0, 0, false), segment(0, 10, false), segment(10, 12, true));
        assertThat(CopyCandidate.select(withEmpty, 12, 0).segment()).contains(withEmpty.get(1));
    }
}
