package io.sluice.tiering.remote;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentObjects;
import io.sluice.metadata.remote.RemoteSegmentOverlapException;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.tiering.objectstore.ObjectStore;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Uploads one sealed segment to the object store and registers it in etcd: the unit of work the partition leader runs
 * per segment (never on the produce path). Steps:
 * <ol>
 *   <li>on the I/O executor: CRC32C of the {@code .log}, {@code .index} and {@code .timeindex} files, the first
 *       timestamp, the segment's leader epochs and the leader epoch checkpoint ({@link PreparedSegment});</li>
 *   <li>the four objects are written concurrently under fresh keys ({@link ObjectKeyFactory}, new segment id);</li>
 *   <li>the segment is registered with {@link MetadataStore#registerRemoteSegment}, fenced by the caller's leader
 *       epoch and broker epoch, in state {@code COPY_FINISHED}.</li>
 * </ol>
 *
 * <p><b>Failures</b> (the future fails with the cause; nothing is retried here: give the uploader a
 * {@link io.sluice.tiering.objectstore.RetryingObjectStore} to ride out S3 trouble):
 * <ul>
 *   <li>an object write fails → the objects written so far are deleted (best effort) and the future fails with the
 *       {@link io.sluice.tiering.objectstore.ObjectStoreException};</li>
 *   <li>registration is refused ({@link FencedLeaderEpochException}, {@link UnknownLeaderEpochException},
 *       {@link NotLeaderOrFollowerException}, {@link StaleBrokerEpochException},
 *       {@link RemoteSegmentOverlapException}, {@link UnknownTopicIdException},
 *       {@link UnknownTopicOrPartitionException}, {@link InvalidRequestException}) → the objects are deleted (they
 *       are garbage) and the future fails with that error;</li>
 *   <li>registration's outcome is unknown (etcd timed out) → the registrations are read back: if this segment id is
 *       registered the upload succeeded; otherwise the objects are left for the {@link OrphanCollector} (deleting
 *       them could race with a registration still in flight) and the future fails;</li>
 *   <li>the upload took longer than {@code maxUploadDuration} → it is not registered and its objects are deleted,
 *       because an {@link OrphanCollector} (whose minimum age must exceed that bound) may already consider them
 *       orphans.</li>
 * </ul>
 * Logs one line per uploaded segment. Thread-safe: uploads of different segments may run concurrently.
 */
public final class SegmentUploader {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentUploader.class);

    /** The default bound on one upload, well below {@link OrphanCollector#DEFAULT_MIN_AGE}. */
    public static final Duration DEFAULT_MAX_UPLOAD_DURATION = Duration.ofMinutes(30);

    private final ObjectStore store;
    private final MetadataStore metadata;
    private final Time time;
    private final Executor ioExecutor;
    private final Duration maxUploadDuration;

    /**
     * @param store      where objects go (usually a {@link io.sluice.tiering.objectstore.RetryingObjectStore})
     * @param metadata   where segments are registered
     * @param time       the clock (created timestamps, upload duration)
     * @param ioExecutor runs the blocking file reads (checksums); never a Netty event loop
     */
    public SegmentUploader(ObjectStore store, MetadataStore metadata, Time time, Executor ioExecutor) {
        this(store, metadata, time, ioExecutor, DEFAULT_MAX_UPLOAD_DURATION);
    }

    /** @param maxUploadDuration the longest an upload may take and still be registered */
    public SegmentUploader(ObjectStore store, MetadataStore metadata, Time time, Executor ioExecutor,
                           Duration maxUploadDuration) {
        this.store = store;
        this.metadata = metadata;
        this.time = time;
        this.ioExecutor = ioExecutor;
        this.maxUploadDuration = maxUploadDuration;
    }

    /**
     * Uploads and registers one sealed segment.
     *
     * @return the registered metadata ({@code COPY_FINISHED})
     */
    public CompletableFuture<RemoteSegmentMetadata> upload(SegmentUpload upload) {
        Uuid segmentId = Uuid.randomUuid();
        long startMs = time.milliseconds();
        return CompletableFuture.supplyAsync(() -> PreparedSegment.prepare(upload, segmentId, time), ioExecutor)
            .thenCompose(prepared -> writeObjects(upload, prepared)
                .thenCompose(v -> register(upload, prepared.metadata().withState(RemoteSegmentState.COPY_FINISHED),
                    startMs)));
    }

    private CompletableFuture<Void> writeObjects(SegmentUpload upload, PreparedSegment prepared) {
        RemoteSegmentMetadata m = prepared.metadata();
        RemoteSegmentObjects objects = m.objects();
        CompletableFuture<Void> all = CompletableFuture.allOf(
            store.put(objects.log().key(), upload.segment().logFile()),
            store.put(objects.offsetIndex().key(), upload.segment().offsetIndexFile()),
            store.put(objects.timeIndex().key(), upload.segment().timeIndexFile()),
            store.put(objects.leaderEpochCheckpoint().key(), prepared.epochCheckpoint()));
        return all.exceptionallyCompose(error -> deleteObjects(m, "its upload failed: " + unwrap(error))
            .thenCompose(v -> CompletableFuture.failedFuture(unwrap(error))));
    }

    private CompletableFuture<RemoteSegmentMetadata> register(SegmentUpload upload, RemoteSegmentMetadata segment,
                                                              long startMs) {
        long elapsedMs = time.milliseconds() - startMs;
        if (elapsedMs > maxUploadDuration.toMillis()) {
            TimeoutException tooSlow = new TimeoutException("Uploading " + segment + " took " + elapsedMs
                + " ms, more than " + maxUploadDuration.toMillis() + " ms; not registering it");
            return deleteObjects(segment, "the upload took too long").thenCompose(v ->
                CompletableFuture.failedFuture(tooSlow));
        }
        return metadata.registerRemoteSegment(segment, upload.leaderEpoch(), upload.brokerId(), upload.brokerEpoch())
            .thenApply(registered -> {
                LOG.info("Uploaded segment {} of {} (offsets [{}, {}], {} bytes) as remote segment {} in {} ms",
                    upload.segment().baseOffset(), upload.partition(), segment.baseOffset(), segment.lastOffset(),
                    segment.sizeInBytes(), segment.segmentId(), time.milliseconds() - startMs);
                return registered;
            })
            .exceptionallyCompose(error -> onRegistrationFailure(segment, unwrap(error)));
    }

    private CompletableFuture<RemoteSegmentMetadata> onRegistrationFailure(RemoteSegmentMetadata segment,
                                                                           Throwable error) {
        if (isRefusal(error)) {
            return deleteObjects(segment, "its registration was refused: " + error)
                .thenCompose(v -> CompletableFuture.failedFuture(error));
        }
        return metadata.remoteSegments(segment.topicId(), segment.partition())
            .handle((registered, readError) -> {
                if (readError == null) {
                    for (RemoteSegmentMetadata r : registered) {
                        if (r.segmentId().equals(segment.segmentId())) {
                            LOG.info("Remote segment {} was registered although the answer was lost ({})",
                                segment.segmentId(), error.toString());
                            return r;
                        }
                    }
                }
                LOG.warn("Registering {} failed ({}); its objects are left for the orphan collector", segment,
                    error.toString());
                throw new CompletionException(error);
            });
    }

    /** Errors after which the registration certainly did not and will not happen. */
    static boolean isRefusal(Throwable error) {
        return error instanceof FencedLeaderEpochException || error instanceof UnknownLeaderEpochException
            || error instanceof NotLeaderOrFollowerException || error instanceof StaleBrokerEpochException
            || error instanceof InvalidRequestException || error instanceof UnknownTopicIdException
            || error instanceof UnknownTopicOrPartitionException;
    }

    private CompletableFuture<Void> deleteObjects(RemoteSegmentMetadata segment, String why) {
        List<String> keys = segment.objects().keys();
        return store.delete(keys).handle((v, error) -> {
            if (error == null) {
                LOG.info("Deleted the {} objects of remote segment {} of {}-{} because {}", keys.size(),
                    segment.segmentId(), segment.topicName(), segment.partition(), why);
            } else {
                LOG.warn("Could not delete the objects of remote segment {} ({}); the orphan collector will: {}",
                    segment.segmentId(), why, unwrap(error).toString());
            }
            return null;
        });
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
