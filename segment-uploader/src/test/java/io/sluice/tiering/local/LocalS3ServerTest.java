package io.sluice.tiering.local;

import io.sluice.tiering.objectstore.s3.S3ObjectStore;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalS3ServerTest {

    @Test
    void servesS3OnLoopbackKeepsObjectsAcrossRestartsAndStopsItsProcess(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(LocalS3Server.isAvailable(), S3ProxyJar.notFoundMessage());
        int port;
        try (LocalS3Server server = LocalS3Server.builder(dir).start();
             S3ObjectStore store = S3ObjectStore.open(server.s3Config("restart").build()).get(30, TimeUnit.SECONDS)) {
            port = server.port();
            assertThat(server.endpoint()).isEqualTo("http://127.0.0.1:" + port);
            store.put("a/b", ByteBuffer.wrap("kept".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            assertThat(server.isAlive()).isTrue();
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
            .as("the process is gone").isInstanceOf(ConnectException.class);

        try (LocalS3Server again = LocalS3Server.builder(dir).port(port).start();
             S3ObjectStore store = S3ObjectStore.open(again.s3Config("restart").build()).get(30, TimeUnit.SECONDS)) {
            ByteBuffer data = store.get("a/b").get(30, TimeUnit.SECONDS);
            assertThat(StandardCharsets.UTF_8.decode(data).toString()).isEqualTo("kept");
            assertThat(again.blobDir().resolve("restart")).isDirectory();
        }
    }

    @Test
    void aMissingJarIsReportedWithWhatToDo(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalS3Server.builder(dir).jar(dir.resolve("nope.jar")).start())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
        assertThat(S3ProxyJar.notFoundMessage()).contains(S3ProxyJar.ENV_VARIABLE).contains("mvn -pl segment-uploader");
    }
}
