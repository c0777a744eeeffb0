package io.sluice.metadata.etcd;

import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.metadata.testing.TcpProxy;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EtcdExtension.class)
class ClusterAndBrokerTest {

    private static final BrokerRegistration BROKER_1 =
        new BrokerRegistration(1, "localhost", 9092, 8080, Optional.of("rack-a"));

    @Test
    void clusterIdIsCreatedOnceAndSharedByConcurrentCallers(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore a = MetadataStore.connect(config); MetadataStore b = MetadataStore.connect(config)) {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(a.getOrCreateClusterId());
                calls.add(b.getOrCreateClusterId());
            }

            List<String> ids = calls.stream().map(f -> join(f)).distinct().toList();

            assertThat(ids).hasSize(1);
            String id = ids.get(0);
            assertThat(id).hasSize(22);
            assertThat(Uuid.fromString(id).toString()).isEqualTo(id);
            assertThat(a.cache().image().clusterId()).as("write completes after the own cache saw it").contains(id);
            assertThat(join(b.cache().awaitLatest(Duration.ofSeconds(5))).clusterId()).contains(id);
        }
        try (MetadataStore later = MetadataStore.connect(config)) {
            assertThat(join(later.cache().ready()).clusterId()).isPresent();
            assertThat(join(later.getOrCreateClusterId())).isEqualTo(later.cache().image().clusterId().orElseThrow());
        }
    }

    @Test
    void registrationIsVisibleEverywhereUntilTheLeaseIsRevoked(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore broker = MetadataStore.connect(config);
             MetadataStore observer = MetadataStore.connect(config)) {
            BrokerLease lease = join(broker.registerBroker(BROKER_1));

            assertThat(lease.registration()).isEqualTo(BROKER_1);
            assertThat(lease.brokerEpoch()).isPositive();
            assertThat(broker.cache().image().broker(1)).contains(BROKER_1);
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(observer.cache().image().liveBrokers()).containsExactly(BROKER_1));

            lease.close();

            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(observer.cache().image().brokers()).isEmpty());
            assertThat(lease.isLost()).as("a clean close is not a loss").isFalse();

            BrokerLease again = join(broker.registerBroker(BROKER_1));
            assertThat(again.brokerEpoch()).as("a re-registration gets a larger epoch").isGreaterThan(
                lease.brokerEpoch());
        }
    }

    @Test
    void aSecondBrokerWithTheSameIdIsRejected(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore first = MetadataStore.connect(config); MetadataStore second = MetadataStore.connect(config)) {
            join(first.registerBroker(BROKER_1));

            assertFails(second.registerBroker(BrokerRegistration.of(1, "other-host", 9093, 0)))
                .isInstanceOf(DuplicateBrokerRegistrationException.class)
                .hasMessageContaining("broker id: 1")
                .hasMessageContaining("localhost:9092");

            assertThat(join(second.cache().awaitLatest(Duration.ofSeconds(5))).broker(1)).contains(BROKER_1);
            join(second.registerBroker(BrokerRegistration.of(2, "other-host", 9093, 0)));
            assertThat(second.cache().image().brokers()).containsOnlyKeys(1, 2);
        }
    }

    @Test
    void registrationDisappearsWhenTheBrokerStopsKeepingItsLeaseAlive(EtcdTestEnv env) {
        MetadataStoreConfig direct = env.isolatedStoreConfig().build();
        try (TcpProxy proxy = TcpProxy.forEndpoint(env.endpoint());
             MetadataStore observer = MetadataStore.connect(direct)) {
            MetadataStoreConfig viaProxy = MetadataStoreConfig.builder(proxy.endpoint())
                .namespace(direct.namespace())
                .requestTimeout(Duration.ofSeconds(1))
                .brokerLeaseTtl(Duration.ofSeconds(1))
                .build();
            try (MetadataStore broker = MetadataStore.connect(viaProxy)) {
                BrokerLease lease = join(broker.registerBroker(BROKER_1));
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(observer.cache().image().broker(1)).isPresent());

                proxy.cut();

                await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(observer.cache().image().broker(1)).isEmpty());
                await().atMost(Duration.ofSeconds(15)).until(lease::isLost);
            }
        }
    }
}
