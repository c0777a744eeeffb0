package io.sluice.compat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding the broker's runtime class path from a module directory, on a fake repository layout. */
class BrokerRuntimeClasspathTest {

    @Test
    void findsTheBrokerModuleAboveTheStartDirectory(@TempDir Path repo) throws IOException {
        Path classes = fakeBrokerModule(repo, true);
        Path compatModule = Files.createDirectories(repo.resolve("compat-tests"));

        assertThat(BrokerRuntimeClasspath.locate(compatModule)).isEqualTo(
                classes + File.pathSeparator + repo.resolve("frontend-node/target/lib").toAbsolutePath()
                        + File.separator + "*");
    }

    @Test
    void tellsToBuildTheBrokerWhenItsLibDirectoryIsMissing(@TempDir Path repo) throws IOException {
        fakeBrokerModule(repo, false);

        assertThatThrownBy(() -> BrokerRuntimeClasspath.locate(repo.resolve("compat-tests")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not built")
                .hasMessageContaining("frontend-node/target/lib")
                .hasMessageContaining("mvn -B install -DskipTests -pl metadata,storage,frontend-node");
    }

    @Test
    void tellsWhereItSearchedWhenThereIsNoRepository(@TempDir Path elsewhere) {
        assertThatThrownBy(() -> BrokerRuntimeClasspath.locate(elsewhere))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot find the Sluice repository root")
                .hasMessageContaining(elsewhere.toAbsolutePath().toString());
    }

    /** frontend-node/pom.xml, a compiled SluiceCommand and, if {@code withLib}, target/lib; returns classes. */
    private static Path fakeBrokerModule(Path repo, boolean withLib) throws IOException {
        Path module = Files.createDirectories(repo.resolve("frontend-node"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        Path classes = module.resolve("target/classes").toAbsolutePath();
        Path mainClass = classes.resolve("io/sluice/broker/cli/SluiceCommand.class");
        Files.createDirectories(mainClass.getParent());
        Files.write(mainClass, new byte[] {(byte) 0xCA, (byte) 0xFE});
        if (withLib) {
            Files.createDirectories(module.resolve("target/lib"));
        }
        return classes;
    }
}
