package io.sluice.broker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker running as a child JVM ({@code SluiceCommand broker --config FILE}), started with this JVM's java
 * binary and class path. Used by {@code sluice dev} and by tests that kill, pause and restart brokers.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final Path configFile;
    private final Path logFile;

    private BrokerProcess(Process process, Path configFile, Path logFile) {
        this.process = process;
        this.configFile = configFile;
        this.logFile = logFile;
    }

    /**
     * Starts a broker process.
     *
     * @param configFile the broker's properties file
     * @param logFile    where the process's stdout and stderr go (appended); null inherits this process's streams
     * @param jvmOptions extra JVM options (e.g. {@code -Xmx512m})
     */
    public static BrokerProcess start(Path configFile, Path logFile, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SluiceCommand.class.getName());
        command.add("broker");
        command.add("--config");
        command.add(configFile.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        if (logFile == null) {
            builder.inheritIO();
        } else {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        }
        return new BrokerProcess(builder.start(), configFile, logFile);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public Path configFile() {
        return configFile;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM (a clean shutdown) and waits up to {@code timeoutMs}; then SIGKILL. */
    public void stop(long timeoutMs) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /** Sends SIGKILL and waits for the process to die. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops the process if it is still running (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop(30_000);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
