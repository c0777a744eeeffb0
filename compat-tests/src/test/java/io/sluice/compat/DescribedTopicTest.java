package io.sluice.compat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser of {@code kafka-topics --describe} output, on text as Kafka 4.3's TopicCommand prints it. */
class DescribedTopicTest {

    @Test
    void parsesTopicAndPartitionLines() {
        String stdout = """
                Topic: peter-test01\tTopicId: 0dYiY2JNTn2Q4cqCmc5CEw\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: retention.ms=1000,segment.bytes=1024
                \tTopic: peter-test01\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\tElr: N/A\tLastKnownElr: N/A
                \tTopic: peter-test01\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: 3
                """;

        DescribedTopic topic = DescribedTopic.parseOne(stdout);

        assertThat(topic.name()).isEqualTo("peter-test01");
        assertThat(topic.topicId()).isEqualTo("0dYiY2JNTn2Q4cqCmc5CEw");
        assertThat(topic.partitionCount()).isEqualTo(2);
        assertThat(topic.replicationFactor()).isEqualTo(3);
        assertThat(topic.configs()).isEqualTo("retention.ms=1000,segment.bytes=1024");
        assertThat(topic.partitions()).containsExactly(
                new DescribedTopic.Partition(0, "1", "1,2,3", "1,2"),
                new DescribedTopic.Partition(1, "none", "2,3,1", "3"));
    }

    @Test
    void emptyConfigsFieldIsEmpty() {
        String stdout = "Topic: t\tTopicId: AAAAAAAAAAAAAAAAAAAAAA\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
                + "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n";

        assertThat(DescribedTopic.parseOne(stdout).configs()).isEmpty();
    }

    @Test
    void splitsSeveralTopics() {
        String stdout = "Topic: a\tTopicId: AAAAAAAAAAAAAAAAAAAAAA\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
                + "\tTopic: a\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n"
                + "Topic: b\tTopicId: BAAAAAAAAAAAAAAAAAAAAA\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
                + "\tTopic: b\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n";

        assertThat(DescribedTopic.parseAll(stdout)).extracting(DescribedTopic::name).containsExactly("a", "b");
    }

    @Test
    void rejectsSpaceSeparatedOrForeignLines() {
        // the spaces of a copy-pasted book listing instead of TopicCommand's tabs
        assertThatThrownBy(() -> DescribedTopic.parseOne(
                "Topic: peter-test01 PartitionCount: 1 ReplicationFactor: 3 Configs: segment.bytes=1073741824"))
                .isInstanceOf(IllegalArgumentException.class);
        // a partition line of another topic under this one
        assertThatThrownBy(() -> DescribedTopic.parseOne(
                "Topic: a\tTopicId: AAAAAAAAAAAAAAAAAAAAAA\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
                        + "\tTopic: b\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DescribedTopic.parseOne(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Expected one topic, got 0");
    }
}
