package io.sluice.tiering.objectstore.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach an S3-compatible bucket. Build with {@link #builder(String)}.
 *
 * @param bucket                 the bucket name
 * @param endpoint               the endpoint override (MinIO, S3Proxy: e.g. {@code http://127.0.0.1:9000}); empty for
 *                               AWS S3 (the region's endpoint)
 * @param region                 the signing region, default {@code us-east-1} (what MinIO and S3Proxy expect)
 * @param keyPrefix              prepended to every key, e.g. {@code cluster-a/}; "" for none. A non-empty prefix ends
 *                               with {@code /}, and the store hides it (keys in and out are relative)
 * @param pathStyle              path-style URLs ({@code endpoint/bucket/key}), needed by MinIO and S3Proxy; AWS prefers
 *                               virtual-hosted style (false)
 * @param credentials            static keys (local stores) or empty for the AWS default credentials chain
 *                               (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profile,
 *                               container or instance role)
 * @param connectionTimeout      bound on opening a connection (default 5 s)
 * @param apiCallAttemptTimeout  bound on one HTTP attempt (default 60 s)
 * @param apiCallTimeout         bound on one API call including the SDK's own retries (default 2 min)
 * @param maxConnections         concurrent HTTP connections (default 64)
 * @param sdkMaxAttempts         attempts the SDK makes per request before the failure reaches the caller (default 3:
 *                               the SDK's standard retry with backoff, which also rides out short throttling); 1
 *                               disables SDK retries
 * @param multipartThreshold     files of at least this many bytes are uploaded in parts (default 8 MiB)
 * @param partSize               bytes per part (default 8 MiB; S3 requires at least 5 MiB except for the last part)
 * @param multipartConcurrency   parts of one upload in flight at once (default 4)
 * @param listPageSize           keys per ListObjectsV2 page (default 1000, S3's maximum)
 * @param createBucketIfMissing  whether {@link S3ObjectStore#open} creates the bucket when it does not exist
 */
public record S3Config(String bucket, Optional<URI> endpoint, String region, String keyPrefix, boolean pathStyle,
                       Optional<StaticCredentials> credentials, Duration connectionTimeout,
                       Duration apiCallAttemptTimeout, Duration apiCallTimeout, int maxConnections, int sdkMaxAttempts,
                       long multipartThreshold, long partSize, int multipartConcurrency, int listPageSize,
                       boolean createBucketIfMissing) {

    /** S3's smallest part size (all parts but the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /**
     * An access key pair.
     *
     * @param accessKeyId     the access key id
     * @param secretAccessKey the secret
     */
    public record StaticCredentials(String accessKeyId, String secretAccessKey) {
        public StaticCredentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "StaticCredentials(" + accessKeyId + ", ****)";
        }
    }

    public S3Config {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(credentials, "credentials");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank");
        }
        if (!keyPrefix.isEmpty() && (!keyPrefix.endsWith("/") || keyPrefix.startsWith("/"))) {
            throw new IllegalArgumentException("keyPrefix must be empty or end with '/' (and not start with it): '"
                + keyPrefix + "'");
        }
        if (partSize < MIN_PART_SIZE || multipartThreshold < 1) {
            throw new IllegalArgumentException("partSize must be >= 5 MiB and multipartThreshold positive");
        }
        if (maxConnections < 1 || sdkMaxAttempts < 1 || multipartConcurrency < 1 || listPageSize < 1
            || listPageSize > 1000) {
            throw new IllegalArgumentException("maxConnections, sdkMaxAttempts, multipartConcurrency must be >= 1 and "
                + "listPageSize in [1, 1000]");
        }
        for (Duration d : new Duration[] {connectionTimeout, apiCallAttemptTimeout, apiCallTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }

    /** Defaults for {@code bucket}: AWS S3 in us-east-1 with the default credentials chain. */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(bucket);
        b.endpoint = endpoint;
        b.region = region;
        b.keyPrefix = keyPrefix;
        b.pathStyle = pathStyle;
        b.credentials = credentials;
        b.connectionTimeout = connectionTimeout;
        b.apiCallAttemptTimeout = apiCallAttemptTimeout;
        b.apiCallTimeout = apiCallTimeout;
        b.maxConnections = maxConnections;
        b.sdkMaxAttempts = sdkMaxAttempts;
        b.multipartThreshold = multipartThreshold;
        b.partSize = partSize;
        b.multipartConcurrency = multipartConcurrency;
        b.listPageSize = listPageSize;
        b.createBucketIfMissing = createBucketIfMissing;
        return b;
    }

    @Override
    public String toString() {
        return "S3Config(bucket " + bucket + ", endpoint " + endpoint.map(URI::toString).orElse("AWS") + ", region "
            + region + ", prefix '" + keyPrefix + "', pathStyle " + pathStyle + ", credentials "
            + credentials.map(Object::toString).orElse("default chain") + ")";
    }

    /** Builder of {@link S3Config}; see the record's components for the defaults. */
    public static final class Builder {
        private final String bucket;
        private Optional<URI> endpoint = Optional.empty();
        private String region = "us-east-1";
        private String keyPrefix = "";
        private boolean pathStyle;
        private Optional<StaticCredentials> credentials = Optional.empty();
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private Duration apiCallAttemptTimeout = Duration.ofSeconds(60);
        private Duration apiCallTimeout = Duration.ofMinutes(2);
        private int maxConnections = 64;
        private int sdkMaxAttempts = 3;
        private long multipartThreshold = 8L * 1024 * 1024;
        private long partSize = 8L * 1024 * 1024;
        private int multipartConcurrency = 4;
        private int listPageSize = 1000;
        private boolean createBucketIfMissing;

        private Builder(String bucket) {
            this.bucket = bucket;
        }

        public Builder endpoint(URI value) {
            this.endpoint = Optional.of(value);
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder keyPrefix(String value) {
            this.keyPrefix = value;
            return this;
        }

        public Builder pathStyle(boolean value) {
            this.pathStyle = value;
            return this;
        }

        public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
            this.credentials = Optional.of(new StaticCredentials(accessKeyId, secretAccessKey));
            return this;
        }

        /** Use the AWS default credentials chain (the default). */
        public Builder defaultCredentials() {
            this.credentials = Optional.empty();
            return this;
        }

        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        public Builder apiCallAttemptTimeout(Duration value) {
            this.apiCallAttemptTimeout = value;
            return this;
        }

        public Builder apiCallTimeout(Duration value) {
            this.apiCallTimeout = value;
            return this;
        }

        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        public Builder sdkMaxAttempts(int value) {
            this.sdkMaxAttempts = value;
            return this;
        }

        public Builder multipartThreshold(long value) {
            this.multipartThreshold = value;
            return this;
        }

        public Builder partSize(long value) {
            this.partSize = value;
            return this;
        }

        public Builder multipartConcurrency(int value) {
            this.multipartConcurrency = value;
            return this;
        }

        public Builder listPageSize(int value) {
            this.listPageSize = value;
            return this;
        }

        public Builder createBucketIfMissing(boolean value) {
            this.createBucketIfMissing = value;
            return this;
        }

        public S3Config build() {
            return new S3Config(bucket, endpoint, region, keyPrefix, pathStyle, credentials, connectionTimeout,
                apiCallAttemptTimeout, apiCallTimeout, maxConnections, sdkMaxAttempts, multipartThreshold, partSize,
                multipartConcurrency, listPageSize, createBucketIfMissing);
        }
    }
}
