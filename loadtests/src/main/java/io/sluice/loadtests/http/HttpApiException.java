package io.sluice.loadtests.http;

import java.io.IOException;

/** Sluice's HTTP API answered with a non-2xx status or a body that is not the expected JSON. */
public final class HttpApiException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status, or 0 when the status was fine but the body did not parse
     * @param message what was wrong, with the start of the body
     */
    public HttpApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status, or 0 when the body did not parse */
    public int status() {
        return status;
    }

    /** @return how the load generator counts this failure: {@code "HTTP <status>"} or {@code "HTTP bad body"} */
    public String kind() {
        return status == 0 ? "HTTP bad body" : "HTTP " + status;
    }
}
