package io.sluice.broker.http;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpApiSettingsTest {

    @Test
    void theBodyLimitComesFromHttpSettingThenKafkasSocketLimitThenTheDefault() {
        assertThat(HttpApiSettings.fromBrokerSettings(Map.of()).maxRequestBytes())
                .isEqualTo(HttpApiSettings.DEFAULT_MAX_REQUEST_BYTES);
        assertThat(HttpApiSettings.fromBrokerSettings(Map.of("socket.request.max.bytes", "2048")).maxRequestBytes())
                .isEqualTo(2048);
        assertThat(HttpApiSettings.fromBrokerSettings(Map.of("socket.request.max.bytes", "2048",
                "http.max.request.bytes", " 4096 ")).maxRequestBytes()).isEqualTo(4096);
    }

    @Test
    void aMalformedLimitIsAConfigError() {
        assertThatThrownBy(() -> HttpApiSettings.fromBrokerSettings(Map.of("http.max.request.bytes", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.max.request.bytes");
        assertThatThrownBy(() -> HttpApiSettings.fromBrokerSettings(Map.of("http.max.request.bytes", "0")))
                .isInstanceOf(ConfigException.class);
    }
}
