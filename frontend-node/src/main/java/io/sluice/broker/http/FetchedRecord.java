package io.sluice.broker.http;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One fetched record in JSON: its offset, timestamp (epoch milliseconds) and timestamp type ({@code CREATE_TIME} or
 * {@code LOG_APPEND_TIME}), key and value as {@code {"type": "STRING"|"BINARY", "data": ...}} (null when the record
 * has none), and headers with base64 values.
 */
public record FetchedRecord(int partitionId, long offset, long timestamp, String timestampType,
                            @JsonInclude(JsonInclude.Include.ALWAYS) RecordDataCodec.Encoded key,
                            @JsonInclude(JsonInclude.Include.ALWAYS) RecordDataCodec.Encoded value,
                            List<FetchedHeader> headers) {

    /** A record header; {@code value} is base64, or null. */
    public record FetchedHeader(String name, @JsonInclude(JsonInclude.Include.ALWAYS) String value) {
    }
}
