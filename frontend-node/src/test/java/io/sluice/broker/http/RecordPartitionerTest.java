package io.sluice.broker.http;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordPartitionerTest {
    private final RecordPartitioner partitioner = new RecordPartitioner();

    @Test
    void keyedRecordsFollowTheJavaClientsPartitionerForKey() {
        for (int i = 0; i < 200; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[]{1, 3, 7, 64}) {
                assertThat(partitioner.partition("t", partitions, -1, key))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
            }
        }
    }

    @Test
    void unkeyedRecordsRotateOverThePartitionsPerTopic() {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            a.add(partitioner.partition("a", 3, -1, null));
            if (i < 2) {
                b.add(partitioner.partition("b", 2, -1, null));
            }
        }
        assertThat(a).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(b).containsExactly(0, 1);
    }

    @Test
    void anExplicitPartitionIsKeptOrRejected() {
        assertThat(partitioner.partition("t", 4, 3, "k".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThatThrownBy(() -> partitioner.partition("t", 4, 4, null))
                .isInstanceOfSatisfying(HttpApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(HttpApiException.PARTITION_NOT_FOUND);
                });
    }
}
