package io.sluice.tiering.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Which S3-compatible server {@link S3Extension} gives a test class; without it, {@link Kind#S3PROXY}. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface S3Backend {

    Kind value();

    /** The servers. */
    enum Kind {
        /** The local S3Proxy child process: always available (its jar comes with this module's build). */
        S3PROXY,
        /** MinIO in a Testcontainers container: only where a Docker engine answers; else the tests are skipped. */
        MINIO
    }
}
