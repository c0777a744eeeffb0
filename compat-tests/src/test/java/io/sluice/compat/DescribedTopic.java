package io.sluice.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One topic as {@code kafka-topics --describe} prints it (Kafka 4.3's {@code TopicCommand}), parsed from the
 * tab-separated lines
 * <pre>
 * Topic: T	TopicId: ID	PartitionCount: 3	ReplicationFactor: 1	Configs: k=v,k2=v2
 * 	Topic: T	Partition: 0	Leader: 1	Replicas: 1	Isr: 1	Elr: N/A	LastKnownElr: N/A
 * </pre>
 * Parsing is strict about that layout (tabs, field order), because scripts written for Kafka split these lines.
 *
 * @param name              the topic name
 * @param topicId           the topic id (base64 {@code Uuid})
 * @param partitionCount    the {@code PartitionCount} field
 * @param replicationFactor the {@code ReplicationFactor} field
 * @param configs           the {@code Configs} field as printed: comma-separated {@code key=value}s, maybe empty
 * @param partitions        the partition lines, in printed order
 */
record DescribedTopic(String name, String topicId, int partitionCount, int replicationFactor, String configs,
                      List<Partition> partitions) {

    private static final Pattern TOPIC_LINE = Pattern.compile(
            "Topic: (\\S+)\tTopicId: (\\S+)\tPartitionCount: (\\d+)\tReplicationFactor: (\\d+)\tConfigs: ?(.*)");
    private static final Pattern PARTITION_LINE = Pattern.compile(
            "\tTopic: (\\S+)\tPartition: (\\d+)\tLeader: (\\S+)\tReplicas: (\\S+)\tIsr: (\\S+)(?:\t.*)?");

    /**
     * One partition line.
     *
     * @param partition the partition index
     * @param leader    the leader's node id as printed ({@code none} when there is no leader)
     * @param replicas  comma-separated node ids
     * @param isr       comma-separated node ids of the in-sync replicas
     */
    record Partition(int partition, String leader, String replicas, String isr) {
    }

    /**
     * Parses the whole stdout of {@code kafka-topics --describe}: every non-blank line must be a topic line or a
     * partition line of the topic above it.
     *
     * @throws IllegalArgumentException on any other line
     */
    static List<DescribedTopic> parseAll(String stdout) {
        List<DescribedTopic> topics = new ArrayList<>();
        Builder current = null;
        for (String line : stdout.lines().filter(l -> !l.isBlank()).toList()) {
            Matcher topic = TOPIC_LINE.matcher(line);
            Matcher partition = PARTITION_LINE.matcher(line);
            if (topic.matches()) {
                if (current != null) {
                    topics.add(current.build());
                }
                current = new Builder(topic);
            } else if (partition.matches() && current != null && partition.group(1).equals(current.name)) {
                current.partitions.add(new Partition(Integer.parseInt(partition.group(2)), partition.group(3),
                        partition.group(4), partition.group(5)));
            } else {
                throw new IllegalArgumentException("Not a kafka-topics --describe line: '" + line + "' in:\n"
                        + stdout);
            }
        }
        if (current != null) {
            topics.add(current.build());
        }
        return topics;
    }

    /**
     * Parses the output of {@code kafka-topics --describe --topic T}.
     *
     * @throws IllegalArgumentException unless it describes exactly one topic
     */
    static DescribedTopic parseOne(String stdout) {
        List<DescribedTopic> topics = parseAll(stdout);
        if (topics.size() != 1) {
            throw new IllegalArgumentException("Expected one topic, got " + topics.size() + " in:\n" + stdout);
        }
        return topics.get(0);
    }

    /** The partition indexes in printed order. */
    List<Integer> partitionIds() {
        return partitions.stream().map(Partition::partition).toList();
    }

    private static final class Builder {
        private final String name;
        private final String topicId;
        private final int partitionCount;
        private final int replicationFactor;
        private final String configs;
        private final List<Partition> partitions = new ArrayList<>();

        Builder(Matcher topic) {
            this.name = topic.group(1);
            this.topicId = topic.group(2);
            this.partitionCount = Integer.parseInt(topic.group(3));
            this.replicationFactor = Integer.parseInt(topic.group(4));
            this.configs = topic.group(5).strip();
        }

        DescribedTopic build() {
            return new DescribedTopic(name, topicId, partitionCount, replicationFactor, configs, List.copyOf(partitions));
        }
    }
}
