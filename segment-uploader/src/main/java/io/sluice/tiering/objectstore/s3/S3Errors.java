package io.sluice.tiering.objectstore.s3;

import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.ObjectStoreException.Kind;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where AWS SDK failures become {@link ObjectStoreException}s with a retry classification:
 * <ul>
 *   <li>HTTP 503 / 429, or error codes {@code SlowDown}, {@code Throttling}, {@code RequestLimitExceeded},
 *       {@code TooManyRequests} → {@link Kind#THROTTLED};</li>
 *   <li>other 5xx → {@link Kind#SERVER_ERROR};</li>
 *   <li>400 {@code RequestTimeout} (S3 gave up waiting for the body), SDK call/attempt timeouts, socket and Netty
 *       read timeouts → {@link Kind#TIMEOUT};</li>
 *   <li>refused, reset or closed connections (and any SDK client error the SDK itself marks retryable) →
 *       {@link Kind#CONNECTION};</li>
 *   <li>404 → {@link Kind#NOT_FOUND} (or {@link Kind#BUCKET_NOT_FOUND} for {@code NoSuchBucket}), 401/403 →
 *       {@link Kind#ACCESS_DENIED}, 412 → {@link Kind#PRECONDITION_FAILED}, 416 → {@link Kind#INVALID_RANGE}, other
 *       4xx → {@link Kind#BAD_REQUEST}, anything else → {@link Kind#OTHER}.</li>
 * </ul>
 */
public final class S3Errors {

    private static final Set<String> THROTTLING_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
        "RequestLimitExceeded", "TooManyRequests", "TooManyRequestsException", "RequestThrottled");

    private S3Errors() {
    }

    /**
     * Classifies a failure of an SDK call.
     *
     * @param what the operation, e.g. "get orders/0/00000000000000000000.log", for the message
     */
    public static ObjectStoreException classify(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (t instanceof ObjectStoreException e) {
            return e;
        }
        if (t instanceof AwsServiceException service) {
            return fromService(service, what);
        }
        if (isTimeout(t)) {
            return ObjectStoreException.of(Kind.TIMEOUT, what + ": timed out: " + t.getMessage(), 0, t);
        }
        if (isConnectionFailure(t) || (t instanceof SdkClientException client && client.retryable())) {
            return ObjectStoreException.of(Kind.CONNECTION, what + ": connection failed: " + rootMessage(t), 0, t);
        }
        return ObjectStoreException.of(Kind.OTHER, what + ": " + t, 0, t);
    }

    private static ObjectStoreException fromService(AwsServiceException e, String what) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = what + ": HTTP " + status + (code == null ? "" : " " + code) + ": "
            + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        Kind kind;
        if (status == 503 || status == 429 || (code != null && THROTTLING_CODES.contains(code))) {
            kind = Kind.THROTTLED;
        } else if (status >= 500) {
            kind = Kind.SERVER_ERROR;
        } else if ("RequestTimeout".equals(code)) {
            kind = Kind.TIMEOUT;
        } else if (status == 404) {
            kind = "NoSuchBucket".equals(code) ? Kind.BUCKET_NOT_FOUND : Kind.NOT_FOUND;
        } else if (status == 401 || status == 403) {
            kind = Kind.ACCESS_DENIED;
        } else if (status == 412) {
            kind = Kind.PRECONDITION_FAILED;
        } else if (status == 416) {
            kind = Kind.INVALID_RANGE;
        } else if (status >= 400) {
            kind = Kind.BAD_REQUEST;
        } else {
            kind = Kind.OTHER;
        }
        return ObjectStoreException.of(kind, message, status, e);
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiCallTimeoutException || c instanceof ApiCallAttemptTimeoutException
                || c instanceof SocketTimeoutException || c instanceof java.util.concurrent.TimeoutException
                || c.getClass().getName().equals("io.netty.handler.timeout.ReadTimeoutException")
                || c.getClass().getName().equals("io.netty.handler.timeout.WriteTimeoutException")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof ClosedChannelException
                || (c instanceof IOException && !(c instanceof java.io.FileNotFoundException)
                    && !(c instanceof java.nio.file.NoSuchFileException))
                || c.getClass().getName().startsWith("io.netty.channel.")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }
}
