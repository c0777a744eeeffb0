package io.sluice.compat;

/**
 * Apache Kafka 4.3's command-line tools, by the main class their {@code bin/*.sh} script runs (see
 * {@code bin/kafka-*.sh} in a Kafka distribution: each is {@code exec kafka-run-class.sh <main class> "$@"}).
 */
enum KafkaTool {
    /** {@code kafka-topics.sh}: create, describe, list, alter (add partitions) and delete topics. */
    TOPICS("kafka-topics", "org.apache.kafka.tools.TopicCommand"),
    /** {@code kafka-console-producer.sh}: one record per stdin line. */
    CONSOLE_PRODUCER("kafka-console-producer", "org.apache.kafka.tools.ConsoleProducer"),
    /** {@code kafka-console-consumer.sh}: prints records to stdout, one per line. */
    CONSOLE_CONSUMER("kafka-console-consumer", "org.apache.kafka.tools.consumer.ConsoleConsumer"),
    /** {@code kafka-get-offsets.sh}: ListOffsets for a timestamp, printed as {@code topic:partition:offset}. */
    GET_OFFSETS("kafka-get-offsets", "org.apache.kafka.tools.GetOffsetShell"),
    /** {@code kafka-dump-log.sh}: reads segment ({@code .log}) and index files from disk; no broker involved. */
    DUMP_LOG("kafka-dump-log", "org.apache.kafka.tools.DumpLogSegments"),
    /** {@code kafka-broker-api-versions.sh}: the ApiVersions response of every broker, against the tool's own. */
    BROKER_API_VERSIONS("kafka-broker-api-versions", "org.apache.kafka.tools.BrokerApiVersionsCommand"),
    /** {@code kafka-configs.sh}: in 4.3 still the Scala {@code kafka.admin.ConfigCommand} of {@code kafka_2.13}. */
    CONFIGS("kafka-configs", "kafka.admin.ConfigCommand"),
    /**
     * {@code kafka-consumer-groups.sh}: list, describe (offsets, members, state), reset offsets, delete groups and
     * delete committed offsets, through the admin client. It prints its errors as {@code Error: ...} on stdout and
     * still exits 0.
     */
    CONSUMER_GROUPS("kafka-consumer-groups", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand");

    private final String scriptName;
    private final String mainClass;

    KafkaTool(String scriptName, String mainClass) {
        this.scriptName = scriptName;
        this.mainClass = mainClass;
    }

    /** The script's name without {@code .sh}, e.g. {@code kafka-topics}. */
    String scriptName() {
        return scriptName;
    }

    /** The fully qualified main class. */
    String mainClass() {
        return mainClass;
    }
}
