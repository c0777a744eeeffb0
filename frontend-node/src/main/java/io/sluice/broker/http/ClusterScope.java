package io.sluice.broker.http;

import io.javalin.http.Context;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import java.util.function.Supplier;

/**
 * One request's view of the cluster: the metadata image it reads (one snapshot for the whole request, so a
 * response is consistent), the real cluster id, and URL builders.
 *
 * <p>The path segment {@code {cluster_id}} must be this cluster's id or the alias {@code local}; anything else is a
 * 404 (40403), as Confluent answers for an unknown cluster.
 */
record ClusterScope(MetadataImage image, String clusterId, ResourceUrls urls) {
    /** The {@code {cluster_id}} alias that always means this cluster. */
    static final String LOCAL_ALIAS = "local";
    static final String CLUSTER_ID_PARAM = "cluster_id";

    /**
     * @throws HttpApiException 404 (40403) for another cluster id; 503 while the cluster id is not yet known
     */
    static ClusterScope resolve(Context ctx, Supplier<MetadataImage> metadata) {
        ClusterScope scope = current(ctx, metadata);
        String requested = ctx.pathParam(CLUSTER_ID_PARAM);
        if (!requested.equals(scope.clusterId()) && !requested.equals(LOCAL_ALIAS)) {
            throw new HttpApiException(404, HttpApiException.CLUSTER_NOT_FOUND, null,
                    "cluster '" + requested + "' not found; this is cluster '" + scope.clusterId()
                            + "' (also reachable as '" + LOCAL_ALIAS + "')");
        }
        return scope;
    }

    /** The scope for routes without {@code {cluster_id}} ({@code GET /v3/clusters}). */
    static ClusterScope current(Context ctx, Supplier<MetadataImage> metadata) {
        MetadataImage image = metadata.get();
        String clusterId = image.clusterId().orElseThrow(() -> new HttpApiException(503, HttpApiException.RETRIABLE,
                null, "the cluster metadata is not loaded from the metadata store yet"));
        return new ClusterScope(image, clusterId, ResourceUrls.of(ctx, clusterId));
    }

    /** @throws HttpApiException 404 (40401) if the topic does not exist */
    TopicMetadata topic(String name) {
        return image.topic(name).orElseThrow(() -> HttpApiException.topicNotFound(name));
    }

    /** @throws HttpApiException 404 (40402) if the partition index is out of range */
    PartitionState partition(TopicMetadata topic, int partition) {
        return topic.partition(partition)
                .orElseThrow(() -> HttpApiException.partitionNotFound(topic.name(), partition, topic.partitionCount()));
    }
}
