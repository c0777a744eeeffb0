package io.sluice.loadtests;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses byte sizes written as a whole number with an optional binary unit: {@code 1048576}, {@code 64k},
 * {@code 64KiB}, {@code 256m}, {@code 256MiB}, {@code 1g}, {@code 1GiB}. Units are powers of 1024 whichever
 * spelling is used (as Kafka's {@code MB/sec} and this tool's reports count), case-insensitive; a bare number is
 * bytes.
 */
public final class ByteSizes implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

    /**
     * @param text the size text
     * @return the size in bytes, {@code >= 0}
     * @throws IllegalArgumentException if the text is not a size of that form or overflows a {@code long}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: '" + text + "' (use e.g. 1048576, 64KiB, 256MiB, 1GiB)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            long amount = Long.parseLong(m.group(1));
            if (amount > (Long.MAX_VALUE >> shift)) {
                throw new IllegalArgumentException("byte size too large: '" + text + "'");
            }
            return amount << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("byte size too large: '" + text + "'", e);
        }
    }

    @Override
    public Long convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
