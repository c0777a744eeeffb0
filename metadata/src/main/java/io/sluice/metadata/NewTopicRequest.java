package io.sluice.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A request to create one topic, shaped like one {@code CreatableTopic} of Kafka's CreateTopics request.
 *
 * <p>Either give {@code numPartitions} and {@code replicationFactor} (each may be {@link #USE_DEFAULT} = -1, then the
 * broker defaults {@code num.partitions} and {@code default.replication.factor} apply, as KIP-464 allows) and let the
 * store place replicas, or give explicit {@code assignments} (partition index to replica broker ids, preferred leader
 * first) with both counts set to {@link #USE_DEFAULT}. Mixing both is rejected with
 * {@code InvalidRequestException}, like Kafka does.
 *
 * @param name              the topic name; validated by the store with Kafka's rules ({@code InvalidTopicException})
 * @param numPartitions     the number of partitions, or {@link #USE_DEFAULT}
 * @param replicationFactor the replication factor, or {@link #USE_DEFAULT}
 * @param assignments       explicit replica assignment by partition index, or empty
 * @param configs           per-topic config overrides (validated against
 *                          {@link io.sluice.metadata.config.TopicConfigDefs}); only these are stored
 */
public record NewTopicRequest(String name, int numPartitions, short replicationFactor,
                              SortedMap<Integer, List<Integer>> assignments, Map<String, String> configs) {

    /** The "-1" of CreateTopics: use the broker default. */
    public static final int USE_DEFAULT = -1;

    public NewTopicRequest {
        Objects.requireNonNull(name, "name");
        TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
        Objects.requireNonNull(assignments, "assignments").forEach((p, r) -> copy.put(p, List.copyOf(r)));
        assignments = Collections.unmodifiableSortedMap(copy);
        configs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(configs, "configs")));
    }

    /** A request with the given counts, no explicit assignment and no config overrides. */
    public static NewTopicRequest of(String name, int numPartitions, int replicationFactor) {
        return new NewTopicRequest(name, numPartitions, (short) replicationFactor, new TreeMap<>(), Map.of());
    }

    /** A request with an explicit replica assignment (counts derived from it). */
    public static NewTopicRequest withAssignments(String name, Map<Integer, List<Integer>> assignments) {
        return new NewTopicRequest(name, USE_DEFAULT, (short) USE_DEFAULT, new TreeMap<>(assignments), Map.of());
    }

    /** A copy of this request with the given config overrides. */
    public NewTopicRequest withConfigs(Map<String, String> newConfigs) {
        return new NewTopicRequest(name, numPartitions, replicationFactor, assignments, newConfigs);
    }
}
