package io.sluice.loadtests.metrics;

/**
 * The CPU-time fields of one Linux {@code /proc/<pid>/stat} line (see {@code proc(5)}).
 *
 * <p>The line is {@code pid (comm) state ppid ...}; {@code comm} is the executable name in parentheses and
 * may itself contain spaces and parentheses, so fields are counted from the <em>last</em> {@code ')'}.
 * {@code utime} is field 14 and {@code stime} field 15 (1-based), both in clock ticks
 * ({@code sysconf(_SC_CLK_TCK)}, 100 per second on Linux).
 *
 * @param pid process id, field 1
 * @param comm executable name without the parentheses, field 2
 * @param userTicks {@code utime}: ticks the process spent in user mode
 * @param systemTicks {@code stime}: ticks the process spent in kernel mode
 */
public record ProcStat(long pid, String comm, long userTicks, long systemTicks) {
    private static final int FIRST_FIELD_AFTER_COMM = 3;
    private static final int UTIME_FIELD = 14;
    private static final int STIME_FIELD = 15;

    /** @return user plus system ticks */
    public long totalTicks() {
        return userTicks + systemTicks;
    }

    /**
     * @param line the content of a {@code /proc/<pid>/stat} file
     * @return its pid, comm, utime and stime
     * @throws IllegalArgumentException if the line does not have that shape
     */
    public static ProcStat parse(String line) {
        String text = line.strip();
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open <= 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(text));
        }
        String[] rest = text.substring(close + 1).trim().split(" +");
        int needed = STIME_FIELD - FIRST_FIELD_AFTER_COMM + 1;
        if (rest.length < needed) {
            throw new IllegalArgumentException("/proc/<pid>/stat line has " + (rest.length + 2)
                + " fields, need at least " + STIME_FIELD + ": " + abbreviate(text));
        }
        try {
            long pid = Long.parseLong(text.substring(0, open).trim());
            long utime = Long.parseLong(rest[UTIME_FIELD - FIRST_FIELD_AFTER_COMM]);
            long stime = Long.parseLong(rest[STIME_FIELD - FIRST_FIELD_AFTER_COMM]);
            return new ProcStat(pid, text.substring(open + 1, close), utime, stime);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("non-numeric pid, utime or stime in /proc/<pid>/stat line: " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
