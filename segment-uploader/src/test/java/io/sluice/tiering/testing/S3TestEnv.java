package io.sluice.tiering.testing;

import io.sluice.tiering.objectstore.s3.S3Config;

import java.net.URI;

/**
 * What {@link S3Extension} hands a test: an S3-compatible endpoint with its credentials and a bucket no other test
 * class uses (created on first {@code S3ObjectStore.open}).
 *
 * @param backend   "s3proxy" or "minio"
 * @param endpoint  the endpoint URL
 * @param accessKey the access key id
 * @param secretKey the secret key
 * @param bucket    a bucket name unique to the test class
 */
public record S3TestEnv(String backend, String endpoint, String accessKey, String secretKey, String bucket) {

    /** A client configuration for {@link #bucket()}: path-style, static credentials, us-east-1, bucket created. */
    public S3Config.Builder s3Config() {
        return s3Config(bucket);
    }

    /** As {@link #s3Config()} for another bucket on the same server. */
    public S3Config.Builder s3Config(String otherBucket) {
        return S3Config.builder(otherBucket)
            .endpoint(URI.create(endpoint))
            .region("us-east-1")
            .pathStyle(true)
            .staticCredentials(accessKey, secretKey)
            .createBucketIfMissing(true);
    }
}
