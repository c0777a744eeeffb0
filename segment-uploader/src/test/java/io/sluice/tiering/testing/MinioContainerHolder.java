package io.sluice.tiering.testing;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;

/**
 * The JVM-wide MinIO container, started on first use when a Docker engine answers. Kept apart from
 * {@link S3Extension} so Testcontainers classes load only when a test asks for MinIO.
 */
final class MinioContainerHolder {

    /** A pinned MinIO release (the one Testcontainers documents). */
    static final String IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";

    private static MinIOContainer container;

    private MinioContainerHolder() {
    }

    static synchronized S3Extension.Endpoint endpoint() {
        if (container == null) {
            Assumptions.assumeTrue(dockerAvailable(), "Skipping MinIO tests: no Docker engine answers");
            MinIOContainer started = new MinIOContainer(IMAGE);
            started.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "sluice-test-minio-stop"));
            container = started;
        }
        MinIOContainer c = container;
        return bucket -> new S3TestEnv("minio", c.getS3URL(), c.getUserName(), c.getPassword(), bucket);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
