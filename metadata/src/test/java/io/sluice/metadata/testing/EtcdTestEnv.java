package io.sluice.metadata.testing;

import io.sluice.metadata.MetadataStoreConfig;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link EtcdExtension} hands a test: the shared etcd's endpoint and a namespace no other test class uses.
 *
 * @param endpoint  the etcd client URL
 * @param namespace a key root unique to the test class, e.g. {@code /sluice-test/TopicStoreTest-3}
 */
public record EtcdTestEnv(String endpoint, String namespace) {

    private static final AtomicInteger SUB = new AtomicInteger();

    /** A fresh namespace under this class's one, for tests that need an empty store. */
    public String newNamespace() {
        return namespace + "/t" + SUB.incrementAndGet();
    }

    /** A store configuration for this namespace with test-friendly timeouts (5 s requests, 1 s broker leases). */
    public MetadataStoreConfig.Builder storeConfig() {
        return MetadataStoreConfig.builder(endpoint)
            .namespace(namespace)
            .requestTimeout(Duration.ofSeconds(5))
            .brokerLeaseTtl(Duration.ofSeconds(1));
    }

    /** As {@link #storeConfig()} with a fresh namespace. */
    public MetadataStoreConfig.Builder isolatedStoreConfig() {
        return storeConfig().namespace(newNamespace());
    }
}
