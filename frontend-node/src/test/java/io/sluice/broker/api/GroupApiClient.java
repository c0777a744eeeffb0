package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.coordinator.group.GroupCoordinatorConfig;
import io.sluice.broker.coordinator.group.GroupOwnership;
import io.sluice.broker.coordinator.group.InMemoryOffsetStore;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The group handlers wired to a real {@link GroupCoordinator} (public constructor, real scheduler, in-memory offset
 * store) and a metadata image with topic {@code orders} (3 partitions). {@link #send} does what the network layer
 * does around a handler: the request is serialized at the requested version and parsed back as the broker would
 * receive it, and the response is serialized at that version and parsed back as the client would read it.
 */
final class GroupApiClient implements AutoCloseable {
    static final Uuid ORDERS_ID = Uuid.fromString("b4aHLu0DTE6MqU2l2Jw4Bw");

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final InMemoryOffsetStore store = new InMemoryOffsetStore();
    final GroupCoordinator coordinator;
    final MetadataImage image;
    private final Map<ApiKeys, ApiHandler<? extends AbstractRequest>> handlers = new EnumMap<>(ApiKeys.class);
    private int correlationId;

    GroupApiClient() {
        coordinator = new GroupCoordinator(GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(0),
                GroupOwnership.all(), store, Time.SYSTEM, scheduler);
        TreeMap<Integer, PartitionState> partitions = new TreeMap<>();
        for (int p = 0; p < 3; p++) {
            partitions.put(p, new PartitionState(1, 0, List.of(1), List.of(1), 0));
        }
        image = new MetadataImage(1, Optional.of("cluster"), Map.of(),
                List.of(new TopicMetadata("orders", ORDERS_ID, (short) 1, Map.of(), partitions)));
        List.of(new JoinGroupHandler(coordinator), new SyncGroupHandler(coordinator), new HeartbeatHandler(coordinator),
                new LeaveGroupHandler(coordinator), new ListGroupsHandler(coordinator),
                new DescribeGroupsHandler(coordinator), new DeleteGroupsHandler(coordinator),
                new OffsetCommitHandler(coordinator, () -> image), new OffsetDeleteHandler(coordinator, () -> image),
                new GroupOffsetFetchHandler(coordinator, () -> image))
                .forEach(handler -> handlers.put(handler.apiKey(), handler));
    }

    ApiHandler<? extends AbstractRequest> handler(ApiKeys key) {
        return handlers.get(key);
    }

    /** Sends {@code request} at {@code version} through its handler and returns the response as a client parses it. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T send(ApiMessage request, short version) {
        ApiKeys key = ApiKeys.forId(request.apiKey());
        AbstractRequest parsed = AbstractRequest.parseRequest(key, version,
                MessageUtil.toByteBufferAccessor(request, version)).request;
        RequestHeader header = new RequestHeader(key, version, "consumer-1", ++correlationId);
        RequestContext context = new RequestContext(header,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000), System.nanoTime(), 0);
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(key);
        ApiMessage response;
        try {
            response = handler.handle(context, parsed).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(key + " v" + version + " failed", e);
        }
        AbstractResponse parsedResponse = AbstractResponse.parseResponse(key,
                MessageUtil.toByteBufferAccessor(response, version), version);
        return (T) parsedResponse.data();
    }

    @Override
    public void close() throws InterruptedException {
        coordinator.close();
        scheduler.shutdown();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
}
