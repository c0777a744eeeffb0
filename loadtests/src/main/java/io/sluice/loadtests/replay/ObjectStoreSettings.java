package io.sluice.loadtests.replay;

import io.sluice.tiering.objectstore.s3.S3Config;
import java.net.URI;
import java.util.Objects;

/**
 * Where the brokers keep tiered segments: the same values as the brokers' {@code sluice.s3.*} settings, so the
 * benchmark reads the very objects the brokers uploaded. {@code ./sluice dev} uses endpoint
 * {@code http://127.0.0.1:9000}, bucket {@code sluice}, no prefix, region {@code us-east-1} and the keys
 * {@code sluice-local} / {@code sluice-local-secret}.
 *
 * @param endpoint the S3-compatible endpoint (S3Proxy, MinIO), or {@code null} for AWS S3 in {@code region}
 * @param bucket the bucket ({@code sluice.s3.bucket})
 * @param prefix the key prefix ({@code sluice.s3.prefix}); "" for none, a {@code /} is appended if missing
 * @param region the signing region
 * @param accessKey static access key, or {@code null} for the AWS default credentials chain (environment
 *     {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, profile, instance role)
 * @param secretKey its secret, given exactly when {@code accessKey} is
 */
public record ObjectStoreSettings(URI endpoint, String bucket, String prefix, String region, String accessKey,
                                  String secretKey) {

    /** @throws IllegalArgumentException naming the bad option */
    public ObjectStoreSettings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("--s3-bucket must not be blank");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("--s3-access-key and --s3-secret-key must be given together");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("--s3-endpoint must look like http(s)://HOST[:PORT], got " + endpoint);
        }
    }

    /**
     * @param maxConnections HTTP connections the client may open; at least the benchmark's GET concurrency
     * @return the client configuration: path-style URLs when an endpoint is given (as the broker does), SDK
     *     retries left at their default, the bucket never created
     */
    public S3Config toS3Config(int maxConnections) {
        S3Config.Builder b = S3Config.builder(bucket).region(region).keyPrefix(prefix).pathStyle(endpoint != null)
            .maxConnections(maxConnections);
        if (endpoint != null) {
            b.endpoint(endpoint);
        }
        if (accessKey != null) {
            b.staticCredentials(accessKey, secretKey);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "s3 " + (endpoint == null ? "(AWS " + region + ")" : endpoint) + " bucket " + bucket
            + (prefix.isEmpty() ? "" : " prefix " + prefix);
    }
}
