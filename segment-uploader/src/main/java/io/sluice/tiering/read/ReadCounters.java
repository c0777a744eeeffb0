package io.sluice.tiering.read;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link RemoteLogReader}'s metric methods, and the single place where detected corruption is
 * counted and logged (one line per detection: corruption is rare and an operator must hear of it). Thread-safe.
 */
final class ReadCounters {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLogReader.class);

    final LongAdder bytesFetched = new LongAdder();
    final LongAdder chunkHits = new LongAdder();
    final LongAdder chunkMisses = new LongAdder();
    final LongAdder readAheadChunks = new LongAdder();
    final LongAdder indexHits = new LongAdder();
    final LongAdder indexMisses = new LongAdder();
    final LongAdder corruptions = new LongAdder();

    /**
     * Counts and logs one detected corruption and returns the exception to fail the read with.
     *
     * @param objectKey the object holding the bad bytes
     * @param position  the byte position in the object where the bad data starts (0 for a whole object)
     * @param detail    what is wrong
     */
    CorruptRecordException corruption(String objectKey, long position, String detail, Throwable cause) {
        corruptions.increment();
        String message = "Corrupt data in remote object " + objectKey + " at position " + position + ": " + detail;
        LOG.warn("{}; the cached bytes are dropped and a later read downloads them again", message);
        return cause == null ? new CorruptRecordException(message) : new CorruptRecordException(message, cause);
    }
}
