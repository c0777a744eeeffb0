package io.sluice.tiering.objectstore.s3;

import io.sluice.tiering.testing.S3Backend;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The contract against MinIO in a Testcontainers container; disabled (never failed) where no Docker engine answers
 * ({@code disabledWithoutDocker}, and {@link io.sluice.tiering.testing.S3Extension}'s assumption as a second guard).
 */
@S3Backend(S3Backend.Kind.MINIO)
@Testcontainers(disabledWithoutDocker = true)
class MinioObjectStoreTest extends S3ProxyObjectStoreTest {
}
