package io.sluice.tiering.objectstore;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed object store operation again: only {@linkplain ObjectStoreException#isRetriable() retriable}
 * failures, at most {@code maxAttempts} attempts in all, with exponential backoff and jitter between them (AWS's
 * "exponential backoff and jitter" advice for S3 throttling).
 *
 * <p>The delay before attempt {@code n} (n ≥ 2) is {@code min(maxBackoff, initialBackoff × multiplier^(n-2))}, then
 * scaled by a random factor in {@code [1 - jitter, 1]}, so concurrent uploaders that failed together do not retry
 * together.
 *
 * @param maxAttempts    attempts in all, including the first; 1 means no retry
 * @param initialBackoff the delay before the second attempt (before jitter)
 * @param maxBackoff     the largest delay (before jitter)
 * @param multiplier     growth of the delay per attempt, {@code >= 1}
 * @param jitter         the random fraction taken off each delay, in {@code [0, 1]}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter) {

    /** 10 attempts, 200 ms doubling up to 30 s, jitter 0.5: rides out about 2 minutes of S3 trouble. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(30), 2.0,
        0.5);

    /** A single attempt. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
        if (multiplier < 1.0 || jitter < 0.0 || jitter > 1.0) {
            throw new IllegalArgumentException("need multiplier >= 1 and 0 <= jitter <= 1");
        }
    }

    /** Whether attempt number {@code attempt} (1-based) that failed with {@code failure} may be followed by another. */
    public boolean shouldRetry(int attempt, Throwable failure) {
        return attempt < maxAttempts && ObjectStoreException.isRetriable(failure);
    }

    /**
     * The delay before attempt {@code attempt} (2-based: the delay before the first retry is {@code delayBefore(2)}).
     *
     * @param random a source of uniform values in {@code [0, 1)} (injectable for tests)
     */
    public Duration delayBefore(int attempt, DoubleSupplier random) {
        if (attempt < 2) {
            return Duration.ZERO;
        }
        double base = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 2);
        double capped = Math.min(base, maxBackoff.toNanos());
        double factor = 1.0 - jitter * random.getAsDouble();
        return Duration.ofNanos((long) (capped * factor));
    }

    /** This policy with another attempt count. */
    public RetryPolicy withMaxAttempts(int value) {
        return new RetryPolicy(value, initialBackoff, maxBackoff, multiplier, jitter);
    }

    /** This policy with other backoff bounds. */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter);
    }
}
