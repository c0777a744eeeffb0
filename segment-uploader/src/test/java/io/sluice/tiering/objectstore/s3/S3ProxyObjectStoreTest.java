package io.sluice.tiering.objectstore.s3;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreContractTest;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The contract against the local S3Proxy process, over HTTP with the AWS SDK. */
@ExtendWith(S3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ProxyObjectStoreTest extends ObjectStoreContractTest {

    protected S3ObjectStore store;
    private S3ObjectStore denied;
    private S3ObjectStore unreachable;

    @BeforeAll
    void open(S3TestEnv env) throws Exception {
        S3Config config = env.s3Config()
            .multipartThreshold(MULTIPART_THRESHOLD)
            .partSize(MULTIPART_THRESHOLD)
            .listPageSize(LIST_PAGE_SIZE)
            .sdkMaxAttempts(2)
            .build();
        store = S3ObjectStore.open(config).get(30, TimeUnit.SECONDS);
        denied = S3ObjectStore.create(config.toBuilder().staticCredentials(env.accessKey(), "wrong-secret")
            .sdkMaxAttempts(1).build());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        unreachable = S3ObjectStore.create(config.toBuilder().endpoint(URI.create("http://127.0.0.1:" + closedPort))
            .sdkMaxAttempts(1).connectionTimeout(Duration.ofSeconds(1)).apiCallTimeout(Duration.ofSeconds(5))
            .build());
    }

    @AfterAll
    void close() {
        store.close();
        denied.close();
        unreachable.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected Optional<ObjectStore> storeWithWrongCredentials() {
        return Optional.of(denied);
    }

    @Override
    protected Optional<ObjectStore> unreachableStore() {
        return Optional.of(unreachable);
    }
}
