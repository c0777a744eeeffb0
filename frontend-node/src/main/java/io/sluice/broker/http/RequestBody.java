package io.sluice.broker.http;

import io.javalin.http.Context;
import org.apache.kafka.common.protocol.Errors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Reads request bodies within {@link HttpApiSettings#maxRequestBytes()}.
 *
 * <p>A declared {@code Content-Length} over the limit is refused before reading; a chunked body is read until it
 * passes the limit. Either way the answer is 413 with error code 41302.
 */
final class RequestBody {
    private final int maxBytes;

    RequestBody(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @return the whole body (empty if there is none)
     * @throws HttpApiException 413 (41302) if it is larger than the limit
     */
    byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] buffer = new byte[8192];
        try (InputStream in = ctx.req().getInputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw tooLarge(-1);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
        ctx.attribute(RequestMetricsRecorder.REQUEST_BYTES_ATTRIBUTE, (long) out.size());
        return out.toByteArray();
    }

    /** @return the media type of the body without parameters, lower case; empty string if none was sent */
    static String mediaType(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private HttpApiException tooLarge(long declared) {
        return new HttpApiException(413, HttpApiException.REQUEST_TOO_LARGE, Errors.INVALID_REQUEST,
                "the request body" + (declared >= 0 ? " of " + declared + " bytes" : "")
                        + " is larger than the limit of " + maxBytes + " bytes (http.max.request.bytes)");
    }
}
