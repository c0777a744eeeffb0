package io.sluice.tiering.objectstore.s3;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.ObjectSummary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ObjectStore} on aws-sdk-java-v2's {@link S3AsyncClient} with the Netty HTTP client (not the CRT client, whose
 * automatic multipart fails against S3Proxy). Works against AWS S3, MinIO and S3Proxy (path-style, endpoint override,
 * static credentials for local stores). Configured by {@link S3Config}.
 *
 * <ul>
 *   <li>{@link #put(String, Path)}: one PutObject below {@link S3Config#multipartThreshold()}, else a multipart upload
 *       of {@link S3Config#partSize()} parts, {@link S3Config#multipartConcurrency()} in flight, aborted on failure
 *       ({@link MultipartFileUpload});</li>
 *   <li>{@link #getRange}: GetObject with {@code Range: bytes=p-(p+len-1)};</li>
 *   <li>{@link #list}: ListObjectsV2 pages of {@link S3Config#listPageSize()} keys;</li>
 *   <li>{@link #delete}: DeleteObjects in quiet mode, 1000 keys per request ({@code NoSuchKey} entries ignored).</li>
 * </ul>
 * Failures are classified by {@link S3Errors}. The SDK retries each request up to {@link S3Config#sdkMaxAttempts()}
 * times with its standard backoff; longer outages are for a {@link io.sluice.tiering.objectstore.RetryingObjectStore}
 * on top. Futures complete on the SDK's completion executor, never on a Netty event loop. Thread-safe.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final int DELETE_BATCH = 1000;

    private final S3Config config;
    private final S3AsyncClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3ObjectStore(S3Config config, S3AsyncClient client) {
        this.config = config;
        this.client = client;
    }

    /** A store on a new client; makes no request (see {@link #open} to also check or create the bucket). */
    public static S3ObjectStore create(S3Config config) {
        S3ObjectStore store = new S3ObjectStore(config, buildClient(config));
        LOG.info("Object store on {}", config);
        return store;
    }

    /**
     * A store on a new client whose bucket exists: if {@link S3Config#createBucketIfMissing()}, creates the bucket
     * when HeadBucket says it is missing, else fails with {@link ObjectStoreException.Kind#BUCKET_NOT_FOUND}.
     */
    public static CompletableFuture<S3ObjectStore> open(S3Config config) {
        S3ObjectStore store = create(config);
        return store.ensureBucket().handle((ok, error) -> {
            if (error != null) {
                store.close();
                throw new java.util.concurrent.CompletionException(S3Errors.classify(error, "open bucket "
                    + config.bucket()));
            }
            return store;
        });
    }

    private static S3AsyncClient buildClient(S3Config config) {
        AwsCredentialsProvider credentials = config.credentials()
            .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        RetryStrategy retry = config.sdkMaxAttempts() == 1
            ? AwsRetryStrategy.doNotRetry()
            : AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder()
                .maxAttempts(config.sdkMaxAttempts()).build();
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                .maxConcurrency(config.maxConnections())
                .connectionTimeout(config.connectionTimeout())
                .connectionAcquisitionTimeout(config.apiCallTimeout()))
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyle())
            .credentialsProvider(credentials)
            .overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                .apiCallTimeout(config.apiCallTimeout())
                .retryStrategy(retry)
                .build());
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** The configuration. */
    public S3Config config() {
        return config;
    }

    /** The full S3 key of a relative key. */
    String fullKey(String key) {
        return config.keyPrefix() + key;
    }

    private String relativeKey(String fullKey) {
        return fullKey.substring(config.keyPrefix().length());
    }

    /** Checks the bucket, creating it if missing and {@link S3Config#createBucketIfMissing()}. */
    public CompletableFuture<Void> ensureBucket() {
        String bucket = config.bucket();
        return client.headBucket(b -> b.bucket(bucket)).<Void>thenApply(r -> null).exceptionallyCompose(error -> {
            ObjectStoreException e = S3Errors.classify(error, "head bucket " + bucket);
            boolean missing = e.kind() == ObjectStoreException.Kind.NOT_FOUND
                || e.kind() == ObjectStoreException.Kind.BUCKET_NOT_FOUND;
            if (!missing) {
                return CompletableFuture.failedFuture(e);
            }
            if (!config.createBucketIfMissing()) {
                return CompletableFuture.failedFuture(ObjectStoreException.of(
                    ObjectStoreException.Kind.BUCKET_NOT_FOUND, "bucket " + bucket + " does not exist", 404, e));
            }
            return client.createBucket(b -> b.bucket(bucket)).<Void>thenApply(r -> {
                LOG.info("Created bucket {}", bucket);
                return null;
            }).exceptionallyCompose(createError -> {
                String code = S3Errors.classify(createError, "create bucket").getMessage();
                if (code.contains("BucketAlreadyOwnedByYou") || code.contains("BucketAlreadyExists")) {
                    return CompletableFuture.completedFuture(null);
                }
                return failed(createError, "create bucket " + bucket);
            });
        });
    }

    @Override
    public CompletableFuture<Void> put(String key, Path file) {
        if (key == null || key.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("empty object key"));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(ObjectStoreException.of(ObjectStoreException.Kind.OTHER,
                "cannot read " + file + ": " + e, 0, e));
        }
        if (size >= config.multipartThreshold()) {
            return new MultipartFileUpload(client, config, fullKey(key), file, size).run()
                .exceptionallyCompose(error -> failed(error, "multipart put " + key));
        }
        return client.putObject(b -> b.bucket(config.bucket()).key(fullKey(key)).contentLength(size),
                AsyncRequestBody.fromFile(file))
            .<Void>thenApply(r -> null)
            .exceptionallyCompose(error -> failed(error, "put " + key));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        if (key == null || key.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("empty object key"));
        }
        ByteBuffer view = data.duplicate();
        long size = view.remaining();
        return client.putObject(b -> b.bucket(config.bucket()).key(fullKey(key)).contentLength(size),
                AsyncRequestBody.fromRemainingByteBufferUnsafe(view))
            .<Void>thenApply(r -> null)
            .exceptionallyCompose(error -> failed(error, "put " + key));
    }

    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        if (position < 0 || length <= 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("invalid range: position " + position
                + ", length " + length));
        }
        String range = "bytes=" + position + "-" + (position + length - 1);
        return client.getObject(b -> b.bucket(config.bucket()).key(fullKey(key)).range(range),
                AsyncResponseTransformer.<GetObjectResponse>toBytes())
            .thenApply(S3ObjectStore::wrap)
            .exceptionallyCompose(error -> failed(error, "get " + key + " " + range));
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        return client.getObject(b -> b.bucket(config.bucket()).key(fullKey(key)),
                AsyncResponseTransformer.<GetObjectResponse>toBytes())
            .thenApply(S3ObjectStore::wrap)
            .exceptionallyCompose(error -> failed(error, "get " + key));
    }

    private static ByteBuffer wrap(ResponseBytes<GetObjectResponse> bytes) {
        return ByteBuffer.wrap(bytes.asByteArrayUnsafe());
    }

    @Override
    public CompletableFuture<List<ObjectSummary>> list(String prefix) {
        return listPage(prefix, null, new ArrayList<>()).exceptionallyCompose(error -> failed(error, "list " + prefix));
    }

    private CompletableFuture<List<ObjectSummary>> listPage(String prefix, String token, List<ObjectSummary> acc) {
        return client.listObjectsV2(b -> b.bucket(config.bucket()).prefix(fullKey(prefix))
                .maxKeys(config.listPageSize()).continuationToken(token))
            .thenCompose((ListObjectsV2Response page) -> {
                page.contents().forEach(o -> acc.add(new ObjectSummary(relativeKey(o.key()), o.size(),
                    o.lastModified())));
                if (Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null) {
                    return listPage(prefix, page.nextContinuationToken(), acc);
                }
                return CompletableFuture.completedFuture(acc);
            });
    }

    @Override
    public CompletableFuture<Void> delete(Collection<String> keys) {
        List<String> all = List.copyOf(keys);
        List<CompletableFuture<Void>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            batches.add(deleteBatch(all.subList(from, Math.min(all.size(), from + DELETE_BATCH))));
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> deleteBatch(List<String> keys) {
        List<ObjectIdentifier> ids = keys.stream().map(k -> ObjectIdentifier.builder().key(fullKey(k)).build())
            .toList();
        String what = "delete " + keys.size() + " object(s)";
        return client.deleteObjects(b -> b.bucket(config.bucket()).delete(Delete.builder().objects(ids).quiet(true)
                .build()))
            .thenCompose((DeleteObjectsResponse response) -> {
                List<S3Error> errors = response.errors().stream().filter(e -> !"NoSuchKey".equals(e.code())).toList();
                if (errors.isEmpty()) {
                    return CompletableFuture.<Void>completedFuture(null);
                }
                S3Error first = errors.get(0);
                ObjectStoreException.Kind kind = switch (String.valueOf(first.code())) {
                    case "SlowDown", "Throttling" -> ObjectStoreException.Kind.THROTTLED;
                    case "InternalError", "ServiceUnavailable" -> ObjectStoreException.Kind.SERVER_ERROR;
                    case "AccessDenied" -> ObjectStoreException.Kind.ACCESS_DENIED;
                    default -> ObjectStoreException.Kind.OTHER;
                };
                return CompletableFuture.<Void>failedFuture(ObjectStoreException.of(kind, what + ": " + errors.size()
                    + " key(s) not deleted, e.g. " + relativeKey(first.key()) + ": " + first.code() + " "
                    + first.message()));
            })
            .exceptionallyCompose(error -> failed(error, what));
    }

    @Override
    public CompletableFuture<Optional<ObjectSummary>> head(String key) {
        return client.headObject(b -> b.bucket(config.bucket()).key(fullKey(key)))
            .thenApply(r -> Optional.of(new ObjectSummary(key, r.contentLength(), r.lastModified())))
            .exceptionallyCompose(error -> {
                ObjectStoreException e = S3Errors.classify(error, "head " + key);
                return e.kind() == ObjectStoreException.Kind.NOT_FOUND
                    ? CompletableFuture.completedFuture(Optional.empty())
                    : CompletableFuture.failedFuture(e);
            });
    }

    private static <T> CompletableFuture<T> failed(Throwable error, String what) {
        return CompletableFuture.failedFuture(S3Errors.classify(error, what));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }
}
