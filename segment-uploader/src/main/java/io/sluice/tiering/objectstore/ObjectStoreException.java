package io.sluice.tiering.objectstore;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A failed object store operation, classified by {@link Kind} so callers know whether trying again can help
 * ({@link #isRetriable()}). Checked: object store failures are expected (S3 throttles, goes down) and callers must
 * decide what to do. Futures of {@link ObjectStore} fail with it (possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}; use {@link #unwrap(Throwable)}).
 *
 * <p>The classification follows AWS's guidance for S3 (and what AutoMQ's and Aiven's S3 adapters do): throttling
 * (HTTP 503 {@code SlowDown}, 429), other 5xx, timeouts and connection failures are retriable; 400, 403, 404, 412 and
 * 416 are not (the same request would fail the same way).
 */
public sealed class ObjectStoreException extends Exception permits ObjectNotFoundException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The object does not exist (HTTP 404 {@code NoSuchKey}); see {@link ObjectNotFoundException}. */
        NOT_FOUND(false),
        /** The bucket does not exist (HTTP 404 {@code NoSuchBucket}): a configuration error. */
        BUCKET_NOT_FOUND(false),
        /** The requested byte range starts at or after the object's end (HTTP 416). */
        INVALID_RANGE(false),
        /** Credentials rejected or not allowed (HTTP 401/403). */
        ACCESS_DENIED(false),
        /** A conditional request's condition failed (HTTP 412). */
        PRECONDITION_FAILED(false),
        /** The store rejected the request as malformed (HTTP 400 and other 4xx). */
        BAD_REQUEST(false),
        /** The store asks to slow down (HTTP 503 {@code SlowDown}, 429, {@code Throttling}). */
        THROTTLED(true),
        /** An internal error of the store (HTTP 500, 502, 504 ...). */
        SERVER_ERROR(true),
        /** No complete answer in time (client-side attempt or call timeout, HTTP 400 {@code RequestTimeout}). */
        TIMEOUT(true),
        /** The connection could not be made or broke (refused, reset, closed early). */
        CONNECTION(true),
        /** Anything else (a client-side bug, an unexpected answer); not retried. */
        OTHER(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether the same request may succeed when tried again later. */
        public boolean retriable() {
            return retriable;
        }
    }

    private final Kind kind;
    private final int httpStatus;

    ObjectStoreException(Kind kind, String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
    }

    /**
     * A new exception of {@code kind} ({@link ObjectNotFoundException} for {@link Kind#NOT_FOUND}).
     *
     * @param httpStatus the HTTP status the store answered, or 0 if none (connection failure, timeout)
     */
    public static ObjectStoreException of(Kind kind, String message, int httpStatus, Throwable cause) {
        return kind == Kind.NOT_FOUND
            ? new ObjectNotFoundException(message, httpStatus, cause)
            : new ObjectStoreException(kind, message, httpStatus, cause);
    }

    /** As {@link #of(Kind, String, int, Throwable)} without status or cause. */
    public static ObjectStoreException of(Kind kind, String message) {
        return of(kind, message, 0, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether trying the same operation again later may succeed ({@link Kind#retriable()}). */
    public boolean isRetriable() {
        return kind.retriable();
    }

    /** The HTTP status of the store's answer, if there was one. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    /**
     * The {@link ObjectStoreException} behind a future's failure (unwrapping {@code CompletionException} and
     * {@code ExecutionException}), or null if the failure is of another type.
     */
    public static ObjectStoreException unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ObjectStoreException e ? e : null;
    }

    /** Whether a future's failure is a retriable {@link ObjectStoreException}. */
    public static boolean isRetriable(Throwable failure) {
        ObjectStoreException e = unwrap(failure);
        return e != null && e.isRetriable();
    }
}
