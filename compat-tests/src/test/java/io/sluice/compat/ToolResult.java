package io.sluice.compat;

import java.util.List;

/**
 * What one run of a Kafka tool left behind.
 *
 * @param command  the tool's script name followed by its arguments, as a user would type it
 * @param exitCode the process's exit code (0 = success; Kafka's tools exit 1 on an error)
 * @param stdout   everything written to stdout (UTF-8)
 * @param stderr   everything written to stderr (UTF-8): log lines at WARN and above, usage errors, progress
 *                 messages such as the console consumer's {@code Processed a total of N messages}
 */
record ToolResult(String command, int exitCode, String stdout, String stderr) {

    /** The stdout lines, without line terminators. */
    List<String> stdoutLines() {
        return stdout.lines().toList();
    }

    /** stdout followed by stderr, for messages that tools print on either stream. */
    String output() {
        return stdout + stderr;
    }

    /** The command, exit code and both streams: the description of an assertion on this result. */
    @Override
    public String toString() {
        return "`" + command + "` exited with " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n"
                + stderr + "---";
    }
}
