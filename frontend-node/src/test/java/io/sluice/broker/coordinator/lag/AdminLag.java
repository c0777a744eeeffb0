package io.sluice.broker.coordinator.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The lag as a test computes it independently, the way {@code kafka-consumer-groups --describe} does. */
public final class AdminLag {
    private AdminLag() {
    }

    /** @return per committed partition of {@code group}: the latest offset minus the committed offset */
    public static Map<TopicPartition, Long> lagByAdmin(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> lag = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> lag.put(tp, info.offset() - committed.get(tp).offset()));
        return lag;
    }
}
