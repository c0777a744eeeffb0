package io.sluice.tiering.objectstore;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A bucket of an S3-compatible object store, seen through the few operations tiered storage needs (the shape of
 * Aiven's {@code StorageBackend} and AutoMQ's {@code ObjectStorage}). Implementations: {@code S3ObjectStore} (AWS S3,
 * MinIO, S3Proxy), {@link InMemoryObjectStore} (tests), {@link RetryingObjectStore} (a decorator adding retries).
 *
 * <p><b>Keys</b> are relative to the store's key prefix (an S3 store configured with prefix {@code cluster-a/} stores
 * key {@code x} as {@code cluster-a/x}); they are non-empty UTF-8 strings.
 *
 * <p><b>Asynchronous.</b> Every method returns at once and never blocks the caller's thread; the future completes on
 * one of the store's threads (or on the caller's thread if the result is known at once), so dependent stages must not
 * block. Failures are {@link ObjectStoreException}s (possibly wrapped in a {@code CompletionException}: use
 * {@link ObjectStoreException#unwrap}); an invalid argument fails the future with {@link IllegalArgumentException}.
 *
 * <p><b>Ordering and consistency.</b> Concurrent operations complete in no particular order. A write completes only
 * once the object is stored: from then on every {@code get}, {@code head} and {@code list} sees it (S3's strong
 * read-after-write consistency), and a completed {@code delete} is seen by all later reads. Writing an existing key
 * replaces the object whole; readers see either the old or the new object, never a mix.
 *
 * <p><b>Buffers.</b> {@link #put(String, ByteBuffer)} reads the bytes between the buffer's position and limit without
 * moving them; the caller keeps ownership and must not modify those bytes until the future completes. Buffers
 * returned by reads are new heap buffers owned by the caller (position 0, limit = the bytes read).
 *
 * <p>Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Uploads a file as object {@code key}: one PUT below the store's multipart threshold, a multipart upload above
     * (parts uploaded concurrently; the object appears only when all parts are complete, and a failed multipart upload
     * is aborted). The file must not change during the upload.
     *
     * @throws ObjectStoreException (through the future) if the file cannot be read
     *         ({@link ObjectStoreException.Kind#OTHER})
     *         or the store fails
     */
    CompletableFuture<Void> put(String key, Path file);

    /** Uploads the buffer's remaining bytes as object {@code key}, in one PUT. */
    CompletableFuture<Void> put(String key, ByteBuffer data);

    /**
     * Reads {@code length} bytes of object {@code key} from byte {@code position} (one ranged GET), or fewer if the
     * object ends before {@code position + length}.
     *
     * @param position the first byte, {@code >= 0}
     * @param length   how many bytes at most, {@code > 0}
     * @throws ObjectNotFoundException (through the future) if the object does not exist
     * @throws ObjectStoreException of kind {@link ObjectStoreException.Kind#INVALID_RANGE} if {@code position} is at or
     *         after the object's end
     */
    CompletableFuture<ByteBuffer> getRange(String key, long position, int length);

    /**
     * Reads a whole object (at most 2 GiB).
     *
     * @throws ObjectNotFoundException (through the future) if the object does not exist
     */
    CompletableFuture<ByteBuffer> get(String key);

    /**
     * Lists every object whose key starts with {@code prefix} ("" lists all), sorted by key (binary UTF-8 order, as
     * S3's ListObjectsV2), reading as many pages as needed.
     */
    CompletableFuture<List<ObjectSummary>> list(String prefix);

    /**
     * Deletes the objects (S3 multi-object delete, up to 1000 keys per request). Keys that do not exist are not an
     * error. Not atomic: on failure some of the objects may be deleted.
     */
    CompletableFuture<Void> delete(Collection<String> keys);

    /** The object's size and modification time, or empty if it does not exist (one HEAD). */
    CompletableFuture<Optional<ObjectSummary>> head(String key);

    /** Whether the object exists. */
    default CompletableFuture<Boolean> exists(String key) {
        return head(key).thenApply(Optional::isPresent);
    }

    /** Releases connections and threads; pending operations fail. Idempotent. */
    @Override
    void close();
}
