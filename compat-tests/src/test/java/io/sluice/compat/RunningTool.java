package io.sluice.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Kafka tool process started by {@link ToolRunner}, with its stdout and stderr going to files. The test thread
 * can read what it printed so far while it runs ({@link #stdoutLines()}), wait for it to exit ({@link #awaitExit}),
 * or stop it as a user presses Ctrl-C ({@link #stop()}: SIGTERM, which runs the tool's shutdown hook; the console
 * consumer's hook closes the consumer, which commits its offsets and leaves its group). {@link #close()} kills a tool
 * that still runs, so a failing test leaves no process behind.
 */
final class RunningTool implements AutoCloseable {
    private final Process process;
    private final String command;
    private final Path out;
    private final Path err;
    private final Duration stopTimeout;

    /**
     * @param process     the started tool
     * @param command     the script name and arguments, for reports
     * @param out         the file receiving its stdout
     * @param err         the file receiving its stderr
     * @param stopTimeout how long {@link #stop()} waits for the tool to exit after SIGTERM
     */
    RunningTool(Process process, String command, Path out, Path err, Duration stopTimeout) {
        this.process = process;
        this.command = command;
        this.out = out;
        this.err = err;
        this.stopTimeout = stopTimeout;
    }

    /** The stdout lines printed so far, without line terminators (a last line may still be incomplete). */
    List<String> stdoutLines() {
        return read(out).lines().toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits up to {@code timeout} for the tool to exit by itself.
     *
     * @return its exit code and everything it printed
     * @throws AssertionError when it is still running after {@code timeout} (it is killed first), or when the wait is
     *                        interrupted
     */
    ToolResult awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s: " + snapshot(-1));
            }
            return snapshot(process.exitValue());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running " + command, e);
        }
    }

    /**
     * Sends SIGTERM, as Ctrl-C in a terminal does, and waits for the tool to finish its shutdown.
     *
     * @return its exit code (a JVM ended by SIGTERM exits with 143 = 128 + 15) and everything it printed
     * @throws AssertionError when it does not exit within the stop timeout (it is killed first)
     */
    ToolResult stop() {
        process.destroy();
        return awaitExit(stopTimeout);
    }

    /** Kills the tool (SIGKILL) if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private ToolResult snapshot(int exitCode) {
        return new ToolResult(command, exitCode, read(out), read(err));
    }

    private static String read(Path file) {
        try {
            // bytes, not readString: a tool still writing may have printed half of a multi-byte character
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return snapshot(process.isAlive() ? -1 : process.exitValue()).toString();
    }
}
