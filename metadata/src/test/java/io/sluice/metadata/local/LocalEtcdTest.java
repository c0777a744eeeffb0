package io.sluice.metadata.local;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LocalEtcdTest {

    @TempDir
    Path dir;

    private static String health(String endpoint) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void startsServesAndStopsAndKeepsDataAcrossRestarts() throws Exception {
        assumeTrue(LocalEtcd.isAvailable(), EtcdBinary.notFoundMessage());
        String endpoint;
        int clientPort;
        int peerPort;
        try (LocalEtcd etcd = LocalEtcd.builder(dir).unsafeNoFsync(true).start()) {
            endpoint = etcd.endpoint();
            clientPort = etcd.clientPort();
            peerPort = etcd.peerPort();
            assertThat(etcd.isAlive()).isTrue();
            assertThat(endpoint).startsWith("http://127.0.0.1:");
            assertThat(health(endpoint)).contains("\"health\":\"true\"");
            try (Client client = Client.builder().endpoints(endpoint).build()) {
                client.getKVClient().put(bytes("/k"), bytes("v")).get(10, TimeUnit.SECONDS);
            }
            assertThat(etcd.logFile()).exists().isNotEmptyFile();
            assertThat(etcd.dataDir().resolve("member")).isDirectory();
        }
        assertThatThrownBy(() -> health(endpoint)).isInstanceOf(ConnectException.class);

        try (LocalEtcd again = LocalEtcd.builder(dir).clientPort(clientPort).peerPort(peerPort).start();
             Client client = Client.builder().endpoints(again.endpoint()).build()) {
            var kvs = client.getKVClient().get(bytes("/k")).get(10, TimeUnit.SECONDS).getKvs();
            assertThat(kvs).singleElement()
                .satisfies(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v"));
        }
    }

    @Test
    void missingBinaryNamesTheDebianPackage() {
        assertThatThrownBy(() -> LocalEtcd.builder(dir).binary(dir.resolve("no-etcd")).start())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no-etcd");
        assertThat(EtcdBinary.notFoundMessage()).contains("etcd-server");
    }

    @Test
    void reportsAnEtcdThatCannotStart() {
        assumeTrue(LocalEtcd.isAvailable(), EtcdBinary.notFoundMessage());
        assertThatThrownBy(() -> LocalEtcd.builder(dir).extraArgs("--no-such-flag").start())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("etcd exited")
            .hasMessageContaining("no-such-flag");
    }
}
