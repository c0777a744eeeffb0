package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.protocol.Errors;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A consumer group's committed offsets (Sluice's own; REST Proxy v3 has none), so that a service without a Kafka
 * client can consume at least once: fetch the group's next records ({@link GroupFetchRoutes}), process them, then
 * commit their {@code next_offset} here.
 * <ul>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/offsets}: {@link GroupOffsetsData}, the committed offset
 *       of every partition the group has one for, by topic and partition (Kafka's OffsetFetch through
 *       {@code Admin.listConsumerGroupOffsets});</li>
 *   <li>{@code POST .../consumer-groups/{consumer_group_id}/offsets} with
 *       {@code {"offsets": [{"topic_name", "partition_id", "offset", "metadata"}]}} ({@link GroupCommitParser}):
 *       commits them as {@code Admin.alterConsumerGroupOffsets} does (OffsetCommit with generation -1 and no member
 *       id, what {@code kafka-consumer-groups --reset-offsets} sends) and answers 200 with what was committed, once
 *       the commit is durable. A group that does not exist yet is created by its first commit.</li>
 * </ul>
 * Errors: GET: 404 GROUP_ID_NOT_FOUND (40406) for a group the cluster does not know. POST: 400 malformed body; 404
 * unknown topic (40401) or partition (40402); 409 (40902) while the group has active members: Kafka accepts commits
 * from outside a group only while it is empty (UNKNOWN_MEMBER_ID; ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS or
 * FENCED_INSTANCE_ID are answered the same way); 503 coordinator not available or timeout.
 */
final class GroupOffsetRoutes {
    static final String OFFSETS = ConsumerGroupRoutes.GROUP + "/offsets";

    private final HttpApiServer.Services services;
    private final ConsumerGroupQueries queries;
    private final RequestBody requestBody;
    private final AsyncResponder responder;

    GroupOffsetRoutes(HttpApiServer.Services services, ConsumerGroupQueries queries, RequestBody requestBody,
                      AsyncResponder responder) {
        this.services = services;
        this.queries = queries;
        this.requestBody = requestBody;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(OFFSETS, this::getOffsets);
        app.post(OFFSETS, this::commitOffsets);
    }

    private void getOffsets(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        CompletableFuture<GroupOffsetsData> offsets = queries.describe(groupId)
                .thenCombine(queries.committedOffsets(groupId),
                        (group, committed) -> GroupOffsetsData.of(scope, groupId, committed));
        responder.respond(ctx, offsets, (c, data) -> Responses.json(c, 200, data));
    }

    private void commitOffsets(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        Map<TopicPartition, OffsetAndMetadata> offsets = GroupCommitParser.parse(Json.parse(requestBody.read(ctx)));
        offsets.keySet().forEach(tp -> scope.partition(scope.topic(tp.topic()), tp.partition()));
        CompletableFuture<GroupOffsetsData> committed = queries.commit(groupId, offsets)
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(commitFailure(groupId, failure));
                    }
                    return GroupOffsetsData.of(scope, groupId, offsets);
                });
        responder.respond(ctx, committed, (c, data) -> Responses.json(c, 200, data));
    }

    /** The errors Kafka gives a commit from outside a group that has members become 409; others pass unchanged. */
    private static Throwable commitFailure(String groupId, Throwable failure) {
        Throwable cause = ErrorMapper.unwrap(failure);
        if (cause instanceof UnknownMemberIdException || cause instanceof IllegalGenerationException
                || cause instanceof RebalanceInProgressException || cause instanceof FencedInstanceIdException) {
            return new HttpApiException(409, HttpApiException.GROUP_HAS_MEMBERS, Errors.forException(cause),
                    "consumer group '" + groupId + "' has active members: Kafka accepts offsets committed from "
                            + "outside a group only while the group is empty (stop its consumers first)");
        }
        return cause;
    }
}
