package io.sluice.broker.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record value that names who wrote it and in which order: {@code <producer>-<sequence>}, for example
 * {@code p2-000000000017}. The sequence is the producer's own send counter (0, 1, 2, ... across all partitions),
 * so within one partition the values a producer wrote must appear with increasing sequences.
 *
 * <p>The encoded form may be followed by {@code |} and padding (to give records a realistic size); parsing ignores
 * everything after the {@code |}.
 *
 * @param producer the producer's name: letters, digits, {@code _}; no {@code -}
 * @param sequence the producer's send counter, {@code >= 0}
 */
public record SequencedValue(String producer, long sequence) {
    private static final Pattern FORMAT = Pattern.compile("([A-Za-z0-9_]+)-(\\d{1,18})(\\|.*)?", Pattern.DOTALL);

    public SequencedValue {
        Objects.requireNonNull(producer, "producer");
        if (!producer.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("producer name must match [A-Za-z0-9_]+: '" + producer + "'");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
        }
    }

    /** The value's text without padding, e.g. {@code p2-000000000017}; this is the record's identity. */
    public String encode() {
        return String.format("%s-%012d", producer, sequence);
    }

    /** {@link #encode()} followed by {@code |} and {@code paddingBytes} filler characters. */
    public String encode(int paddingBytes) {
        if (paddingBytes <= 0) {
            return encode();
        }
        return encode() + "|" + "x".repeat(paddingBytes);
    }

    /** Parses a value written by {@link #encode()} (padding ignored); empty for anything else, including null. */
    public static Optional<SequencedValue> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(value);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SequencedValue(matcher.group(1), Long.parseLong(matcher.group(2))));
    }

    @Override
    public String toString() {
        return encode();
    }
}
