package io.sluice.broker.http;

import java.util.List;

/**
 * The JSON answer to a fetch.
 *
 * @param records        records at or after the requested offset, in offset order (possibly empty)
 * @param nextOffset     the offset to fetch next: one past the last batch returned, or the requested offset when
 *                       nothing was returned
 * @param highWatermark  the partition's high watermark (exclusive: consumers can read offsets below it)
 * @param logStartOffset the partition's log start offset (inclusive: the earliest offset still readable)
 * @param logEndOffset   the leader's log end offset (the next offset to be assigned)
 */
public record FetchResponse(List<FetchedRecord> records, long nextOffset, long highWatermark, long logStartOffset,
                            long logEndOffset) {
    public FetchResponse {
        records = List.copyOf(records);
    }
}
