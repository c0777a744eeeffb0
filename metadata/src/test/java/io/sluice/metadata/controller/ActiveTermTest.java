package io.sluice.metadata.controller;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's per-term logic on hand-made images, with a recording session instead of etcd: which partitions
 * it writes, when, and how it reacts to lost races and fencing. Everything runs on one controller thread; the test
 * waits for it by running a no-op behind the queued work.
 */
class ActiveTermTest {

    private static final int CONTROLLER = 9;
    private static final int EPOCH = 3;
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final List<Integer> REPLICAS = List.of(1, 2, 3);

    private record Write(int partition, PartitionState expected, PartitionState next) {
    }

    /** A session that records writes and answers them from a queue of outcomes (default: written). */
    private static final class RecordingSession implements ControllerSession {
        final List<Write> writes = new ArrayList<>();
        final Deque<Supplier<CompletableFuture<Boolean>>> outcomes = new ArrayDeque<>();

        @Override
        public int brokerId() {
            return CONTROLLER;
        }

        @Override
        public int epoch() {
            return EPOCH;
        }

        @Override
        public long leaseId() {
            return 1;
        }

        @Override
        public long electedRevision() {
            return 10;
        }

        @Override
        public Duration leaseTtl() {
            return Duration.ofSeconds(10);
        }

        @Override
        public long lastKeepAliveNanos() {
            return System.nanoTime();
        }

        @Override
        public CompletableFuture<Void> lost() {
            return new CompletableFuture<>();
        }

        @Override
        public synchronized CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition,
                                                                                   PartitionState expected,
                                                                                   PartitionState next) {
            writes.add(new Write(partition, expected, next));
            Supplier<CompletableFuture<Boolean>> outcome = outcomes.poll();
            return outcome == null ? CompletableFuture.completedFuture(true) : outcome.get();
        }

        synchronized List<Write> writes() {
            return List.copyOf(writes);
        }

        @Override
        public void close() {
        }
    }

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final RecordingSession session = new RecordingSession();
    private final List<String> stepDowns = new ArrayList<>();
    private final ActiveTerm term = new ActiveTerm(session,
        new ControllerConfig(Duration.ofSeconds(10), true, Duration.ofHours(1)), Map.of(), loop, stepDowns::add);
    private long revision = 10;

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    /** Runs {@code action} on the controller thread and waits until the thread is idle again. */
    private void onLoop(Runnable action) throws Exception {
        loop.submit(action).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS); // write completions are queued behind
        }
    }

    private MetadataImage image(Map<Integer, Long> brokerEpochs, PartitionState... partitions) {
        return image(CONTROLLER, brokerEpochs, partitions);
    }

    private MetadataImage image(int controllerId, Map<Integer, Long> brokerEpochs, PartitionState... partitions) {
        Map<Integer, BrokerRegistration> brokers = new HashMap<>();
        brokerEpochs.keySet().forEach(id -> brokers.put(id, BrokerRegistration.of(id, "h" + id, 9092, 0)));
        TreeMap<Integer, PartitionState> states = new TreeMap<>();
        for (int p = 0; p < partitions.length; p++) {
            states.put(p, partitions[p]);
        }
        TopicMetadata topic = new TopicMetadata("t", TOPIC_ID, (short) 3, Map.of(), states);
        return new MetadataImage(++revision, Optional.of("c"), brokers, brokerEpochs, List.of(topic), controllerId,
            EPOCH);
    }

    private static PartitionState state(int leader, int leaderEpoch, List<Integer> isr, int partitionEpoch) {
        return new PartitionState(leader, leaderEpoch, REPLICAS, isr, partitionEpoch);
    }

    @Test
    void theFirstImageOfATermChecksEveryPartition() throws Exception {
        PartitionState ledByDead = state(1, 0, REPLICAS, 0);
        PartitionState healthy = state(2, 0, List.of(2, 3), 4);

        onLoop(() -> term.start(image(Map.of(2, 20L, 3, 30L), ledByDead, healthy)));

        assertThat(session.writes()).containsExactly(new Write(0, ledByDead, state(2, 1, List.of(2, 3), 1)));
    }

    @Test
    void aBrokerRegisteredAgainWithANewEpochIsHandledAsGoneAndBack() throws Exception {
        PartitionState ledByOne = state(1, 4, REPLICAS, 7);
        onLoop(() -> term.start(image(Map.of(1, 10L, 2, 20L, 3, 30L), ledByOne)));
        assertThat(session.writes()).isEmpty();

        onLoop(() -> term.onImage(image(Map.of(1, 11L, 2, 20L, 3, 30L), ledByOne)));

        assertThat(session.writes()).containsExactly(new Write(0, ledByOne, state(2, 5, List.of(2, 3), 8)));
    }

    @Test
    void aLostRaceWaitsForTheNextImage() throws Exception {
        PartitionState ledByDead = state(1, 0, REPLICAS, 0);
        session.outcomes.add(() -> CompletableFuture.completedFuture(false));
        Map<Integer, Long> live = Map.of(2, 20L, 3, 30L);

        onLoop(() -> term.start(image(live, ledByDead)));
        assertThat(session.writes()).as("one attempt, then parked").hasSize(1);

        PartitionState changedMeanwhile = state(1, 0, List.of(1, 3), 1);
        onLoop(() -> term.onImage(image(live, changedMeanwhile)));

        assertThat(session.writes()).hasSize(2);
        assertThat(session.writes().get(1)).isEqualTo(new Write(0, changedMeanwhile, state(3, 1, List.of(3), 2)));
    }

    @Test
    void beingFencedEndsTheTermAndStopsWriting() throws Exception {
        session.outcomes.add(() -> CompletableFuture.failedFuture(new NotControllerException("term over")));
        Map<Integer, Long> live = Map.of(2, 20L, 3, 30L);

        onLoop(() -> term.start(image(live, state(1, 0, REPLICAS, 0))));
        assertThat(stepDowns).containsExactly("term over");

        onLoop(() -> term.onImage(image(live, state(1, 0, REPLICAS, 0), state(1, 0, REPLICAS, 0))));
        assertThat(session.writes()).as("the fenced queue writes nothing more").hasSize(1);
    }

    @Test
    void anImageShowingAnotherControllerEndsTheTerm() throws Exception {
        Map<Integer, Long> live = Map.of(1, 10L, 2, 20L, 3, 30L);
        onLoop(() -> term.start(image(live, state(1, 0, REPLICAS, 0))));

        onLoop(() -> term.onImage(image(MetadataImage.NO_CONTROLLER, Map.of(2, 20L, 3, 30L),
            state(1, 0, REPLICAS, 0))));

        assertThat(stepDowns).hasSize(1).allMatch(reason -> reason.contains("controller -1"));
        assertThat(session.writes()).as("no decision after the term ended").isEmpty();
    }

    @Test
    void onlyChangedPartitionsAreCheckedWhenBrokersDidNotChange() throws Exception {
        Map<Integer, Long> live = Map.of(1, 10L, 2, 20L);
        PartitionState p0 = state(1, 0, List.of(1, 2), 1);
        PartitionState p1 = state(2, 0, List.of(2, 1), 1);
        onLoop(() -> term.start(image(live, p0, p1)));
        assertThat(session.writes()).isEmpty();

        PartitionState deadAddedBack = state(1, 0, List.of(1, 2, 3), 2);
        onLoop(() -> term.onImage(image(live, deadAddedBack, p1)));

        assertThat(session.writes()).containsExactly(new Write(0, deadAddedBack, state(1, 0, List.of(1, 2), 3)));
    }

    @Test
    void theImbalanceCheckMovesLeadershipToEligiblePreferredReplicas() throws Exception {
        Map<Integer, Long> live = Map.of(1, 10L, 2, 20L, 3, 30L);
        PartitionState eligible = state(2, 1, List.of(2, 3, 1), 2);
        PartitionState notInSync = state(2, 1, List.of(2, 3), 2);
        onLoop(() -> term.start(image(live, eligible, notInSync)));
        assertThat(session.writes()).isEmpty();

        onLoop(term::checkLeaderImbalance);

        assertThat(session.writes()).containsExactly(new Write(0, eligible, state(1, 2, List.of(2, 3, 1), 3)));
    }
}
