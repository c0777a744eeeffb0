package io.sluice.broker.coordinator.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.NetworkException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creation on first use, reuse, retry after a failed creation, and refusal after close (no broker needed). */
class LocalAdminTest {
    @Test
    void bootstrapAddressOfAWildcardListenerIsLoopback() {
        assertThat(LocalAdmin.bootstrapFor(new InetSocketAddress("0.0.0.0", 9092))).isEqualTo("127.0.0.1:9092");
        assertThat(LocalAdmin.bootstrapFor(new InetSocketAddress("::", 9092))).isEqualTo("127.0.0.1:9092");
        assertThat(LocalAdmin.bootstrapFor(new InetSocketAddress("127.0.0.2", 19092))).isEqualTo("127.0.0.2:19092");
        assertThat(LocalAdmin.bootstrapFor(new InetSocketAddress("::1", 9092))).isEqualTo("[0:0:0:0:0:0:0:1]:9092");
    }

    @Test
    void theAdminIsCreatedOnFirstUseOnceAndRefusedAfterClose() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        LocalAdmin local = new LocalAdmin(() -> {
            asked.incrementAndGet();
            return "127.0.0.1:1";
        }, 7);
        assertThat(asked).as("nothing is created before the first use").hasValue(0);
        Admin first = local.get().get(10, TimeUnit.SECONDS);
        Admin second = local.get().get(10, TimeUnit.SECONDS);
        assertThat(second).isSameAs(first);
        assertThat(asked).hasValue(1);

        local.close();
        assertThatThrownBy(() -> local.get().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NetworkException.class);
    }

    @Test
    void aFailedCreationIsRetriedByTheNextUse() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (LocalAdmin local = new LocalAdmin(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("listener not bound yet");
            }
            return "127.0.0.1:1";
        }, 7)) {
            assertThatThrownBy(() -> local.get().join()).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(local.get().get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(attempts).hasValue(2);
        }
    }
}
