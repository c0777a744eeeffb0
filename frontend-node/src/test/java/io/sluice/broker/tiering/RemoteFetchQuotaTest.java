package io.sluice.broker.tiering;

import io.sluice.storage.ManualTime;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteFetchQuotaTest {
    private static final TopicIdPartition TP = new TopicIdPartition(Uuid.randomUuid(), 0, "t");

    @Test
    void readsWithinTheRateGoAtOnceAndTheBucketRefillsWithTime() {
        ManualTime time = new ManualTime(0);
        RemoteFetchQuota quota = new RemoteFetchQuota((tp, o, m, one) -> null, 1000, time);
        assertThat(quota.delayMs()).isZero();
        quota.take(600);
        assertThat(quota.delayMs()).as("400 bytes left").isZero();
        quota.take(400);
        assertThat(quota.delayMs()).as("empty: wait for one byte").isEqualTo(1);
        quota.take(1000);
        assertThat(quota.delayMs()).as("1000 bytes in debt: about a second, capped").isEqualTo(RemoteFetchQuota.MAX_DELAY_MS);
        time.advance(900);
        assertThat(quota.delayMs()).as("100 bytes in debt").isEqualTo(101);
        time.advance(200);
        assertThat(quota.delayMs()).isZero();
        time.advance(60_000);
        quota.take(1000);
        assertThat(quota.delayMs()).as("the bucket holds at most one second of bytes").isEqualTo(1);
    }

    @Test
    void readsAreDelegatedAndTheirBytesCounted() throws Exception {
        ManualTime time = new ManualTime(0);
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".repeat(500).getBytes()));
        AtomicInteger calls = new AtomicInteger();
        RemoteFetchQuota quota = new RemoteFetchQuota((tp, offset, maxBytes, minOne) -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture((Records) records);
        }, records.sizeInBytes(), time);
        assertThat(quota.read(TP, 0, 1000, true).get(5, TimeUnit.SECONDS)).isSameAs(records);
        assertThat(calls).hasValue(1);
        assertThat(quota.delayMs()).as("the read used the whole second's budget").isPositive();
        // a read over the quota still completes (after a real delay of at most MAX_DELAY_MS)
        assertThat(quota.read(TP, 1, 1000, true).get(5, TimeUnit.SECONDS)).isSameAs(records);
        assertThat(calls).hasValue(2);
    }
}
