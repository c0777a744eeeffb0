package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The coordinator as the broker builds it: the public constructor on a real multi-threaded
 * {@link ScheduledExecutorService}, the system clock and small real timeouts; requests from several threads.
 */
class ScheduledGroupCoordinatorTest {
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final ExecutorService clients = Executors.newFixedThreadPool(4);
    private final GroupCoordinator coordinator = new GroupCoordinator(
            GroupCoordinatorConfig.defaults().withSessionTimeoutBounds(10, 10_000).withInitialRebalanceDelayMs(500),
            GroupOwnership.all(), new InMemoryOffsetStore(), Time.SYSTEM, scheduler);

    @AfterEach
    void shutdown() throws InterruptedException {
        coordinator.close();
        clients.shutdownNow();
        scheduler.shutdown();
        assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private JoinGroupRequestData join(String memberId, int sessionTimeoutMs) {
        return new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setSessionTimeoutMs(sessionTimeoutMs)
                .setRebalanceTimeoutMs(2_000).setProtocolType("consumer")
                .setProtocols(GroupHarness.protocols("range", "orders"));
    }

    /** Joins like the consumer (MEMBER_ID_REQUIRED, then again), from a client thread. */
    private CompletableFuture<JoinGroupResponseData> joinFromThread(String clientId, int sessionTimeoutMs) {
        GroupRequestContext context = new GroupRequestContext(clientId, "/127.0.0.1", (short) 9);
        return CompletableFuture.supplyAsync(() -> coordinator.joinGroup(context, join("", sessionTimeoutMs)).join(),
                        clients)
                .thenCompose(first -> coordinator.joinGroup(context, join(first.memberId(), sessionTimeoutMs)));
    }

    @Test
    void fourConcurrentMembersEndUpInOneGeneration() {
        List<CompletableFuture<JoinGroupResponseData>> joins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            joins.add(joinFromThread("client-" + i, 5_000));
        }

        List<JoinGroupResponseData> responses = joins.stream()
                .map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();

        assertThat(responses).allSatisfy(r -> assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE));
        assertThat(responses).extracting(JoinGroupResponseData::generationId).containsOnly(1);
        assertThat(responses).extracting(JoinGroupResponseData::leader).containsOnly(responses.get(0).leader());
        assertThat(responses.stream().filter(r -> r.memberId().equals(r.leader())).findFirst().orElseThrow()
                .members()).hasSize(4);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsExpiredOnTheRealClock() {
        JoinGroupResponseData joined = joinFromThread("short-lived", 1_000).orTimeout(10, TimeUnit.SECONDS).join();
        coordinator.syncGroup(new SyncGroupRequestData().setGroupId("g").setMemberId(joined.memberId())
                .setGenerationId(joined.generationId())).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(heartbeat(joined)).isEqualTo(Errors.NONE);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(coordinator.listGroups(new ListGroupsRequestData()).join().groups().get(0).groupState())
                        .isEqualTo("Empty"));
        assertThat(heartbeat(joined)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    private Errors heartbeat(JoinGroupResponseData joined) {
        return Errors.forCode(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g")
                .setMemberId(joined.memberId()).setGenerationId(joined.generationId()))
                .orTimeout(10, TimeUnit.SECONDS).join().errorCode());
    }
}
