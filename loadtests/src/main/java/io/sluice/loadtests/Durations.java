package io.sluice.loadtests;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations written as a number with an optional unit: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}; a bare number means seconds ({@code 60}, {@code 2.5}). Also accepts ISO-8601 ({@code PT30S}).
 */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    /**
     * @param text the duration text
     * @return the duration, at nanosecond precision
     * @throws IllegalArgumentException if the text is not a duration of that form
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 30s, 5m, 1h or a number of seconds)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit = switch (unit) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
