package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads run without the log's lock while a writer appends and rolls: they must only ever see whole batches. */
class ConcurrentReadTest extends LogTestSupport {

    @Test
    void readersSeeOnlyCompleteValidBatchesWhileTheWriterAppendsAndRolls() throws Exception {
        PartitionLog log = open(smallConfig());
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long checkedRecords = 0;
            long offset = 0;
            while (writing.get() || offset < log.logEndOffset()) {
                FetchDataInfo info = log.read(offset, 700, Long.MAX_VALUE, true);
                for (RecordBatch batch : info.records().batches()) {
                    assertThat(batch.isValid()).isTrue();
                    assertThat(batch.baseOffset()).isEqualTo(offset);
                    for (Record record : batch) {
                        assertThat(valueOf(record)).isEqualTo("value-" + record.offset());
                        checkedRecords++;
                    }
                    offset = batch.nextOffset();
                }
            }
            return checkedRecords;
        });
        for (int i = 0; i < 1500; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i), 0);
        }
        writing.set(false);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(1500);
        assertThat(log.segments()).hasSizeGreaterThan(10);
    }
}
