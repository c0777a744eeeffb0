package io.sluice.broker.http;

import java.util.List;

/**
 * The JSON answer to "the next records for group G" ({@link GroupFetchRoutes}).
 *
 * @param consumerGroupId  the group
 * @param topicName        the topic
 * @param partitionId      the partition
 * @param fetchOffset      where this fetch started (inclusive): the group's committed offset, or the offset
 *                         {@code auto_offset_reset} chose
 * @param fetchOffsetSource {@code committed}, {@code earliest} (the log start offset) or {@code latest} (the high
 *                         watermark)
 * @param committedOffset  the group's committed offset of the partition, left out when it has none
 * @param records          records at or after {@code fetchOffset}, in offset order (possibly empty)
 * @param nextOffset       the offset to commit once these records are processed: one past the last batch returned,
 *                         or {@code fetchOffset} when nothing was returned
 * @param highWatermark    the partition's high watermark (exclusive)
 * @param logStartOffset   the partition's log start offset (inclusive)
 * @param logEndOffset     the leader's log end offset (the next offset to be assigned)
 */
public record GroupFetchResponse(String consumerGroupId, String topicName, int partitionId, long fetchOffset,
                                 String fetchOffsetSource, Long committedOffset, List<FetchedRecord> records,
                                 long nextOffset, long highWatermark, long logStartOffset, long logEndOffset) {
    public GroupFetchResponse {
        records = List.copyOf(records);
    }
}
