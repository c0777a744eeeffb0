package io.sluice.broker.http;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FetchedBatchesTest {

    @Test
    void recordsBeforeTheFetchOffsetAreSkipped() {
        MemoryRecords records = concat(batch(10, "a", "b", "c"), batch(13, "d", "e"));
        List<FetchedRecord> fetched = FetchedBatches.toJson(records, 4, 11);
        assertThat(fetched).extracting(FetchedRecord::offset).containsExactly(11L, 12L, 13L, 14L);
        assertThat(fetched).extracting(r -> r.value().data()).containsExactly("b", "c", "d", "e");
        assertThat(fetched).allSatisfy(r -> {
            assertThat(r.partitionId()).isEqualTo(4);
            assertThat(r.timestampType()).isEqualTo("CREATE_TIME");
        });
        assertThat(fetched.get(0).headers()).containsExactly(new FetchedRecord.FetchedHeader("h", "aGVhZGVy"),
                new FetchedRecord.FetchedHeader("nil", null));
        assertThat(FetchedBatches.nextOffset(records, 11)).isEqualTo(15);
        assertThat(FetchedBatches.toJson(records, 4, 15)).isEmpty();
    }

    @Test
    void nothingFetchedKeepsTheFetchOffset() {
        assertThat(FetchedBatches.nextOffset(MemoryRecords.EMPTY, 42)).isEqualTo(42);
        assertThat(FetchedBatches.toJson(MemoryRecords.EMPTY, 0, 42)).isEmpty();
        assertThat(FetchedBatches.toBytes(MemoryRecords.EMPTY)).isEmpty();
    }

    @Test
    void controlBatchesAreLeftOutOfJson() {
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(3, System.currentTimeMillis(), 0, 7L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        MemoryRecords records = concat(batch(0, "x", "y", "z"), marker);
        assertThat(FetchedBatches.toJson(records, 0, 0)).extracting(FetchedRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(FetchedBatches.nextOffset(records, 0)).isEqualTo(4);
    }

    @Test
    void bytesAreTheWholeBatchesOfAFileSliceWithoutAPartialTail(@TempDir Path dir) throws Exception {
        MemoryRecords first = batch(0, "one", "two");
        MemoryRecords second = batch(2, "three");
        try (FileRecords file = FileRecords.open(dir.resolve("00000000000000000000.log").toFile())) {
            file.append(first);
            file.append(second);
            file.append(batch(3, "four", "five"));
            int wholeTwo = first.sizeInBytes() + second.sizeInBytes();
            FileRecords slice = file.slice(0, wholeTwo + 10);

            byte[] bytes = FetchedBatches.toBytes(slice);
            byte[] expected = concat(first, second).buffer().array();
            assertThat(bytes).isEqualTo(Arrays.copyOf(expected, wholeTwo));
            assertThat(FetchedBatches.nextOffset(slice, 0)).isEqualTo(3);
            assertThat(FetchedBatches.toJson(slice, 0, 1)).extracting(r -> r.value().data())
                    .containsExactly("two", "three");
        }
    }

    @Test
    void bytesOfMemoryRecordsAreCopiedExactly() {
        MemoryRecords records = concat(batch(5, "p"), batch(6, "q"));
        assertThat(FetchedBatches.toBytes(records)).isEqualTo(records.buffer().array());
    }

    private static MemoryRecords batch(long baseOffset, String... values) {
        SimpleRecord[] records = Arrays.stream(values).map(v -> new SimpleRecord(1_000L, "k".getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8), new Header[]{
                        new RecordHeader("h", "header".getBytes(StandardCharsets.UTF_8)), new RecordHeader("nil", null)}))
                .toArray(SimpleRecord[]::new);
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, records);
    }

    private static MemoryRecords concat(MemoryRecords... parts) {
        int size = Arrays.stream(parts).mapToInt(MemoryRecords::sizeInBytes).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (MemoryRecords part : parts) {
            buffer.put(part.buffer());
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }
}
