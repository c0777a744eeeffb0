package io.sluice.broker.api;

import io.sluice.broker.protocol.ApiDispatcher;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions (API key 18, versions 0 to 4): lists every API and version range this broker serves correctly.
 *
 * <p>Errors: INVALID_REQUEST when a v3+ request carries an invalid client software name or version (KIP-511).
 * An ApiVersions request newer than served never reaches this handler: the connection answers it with a v0
 * UNSUPPORTED_VERSION response so the client can retry with a version both sides know.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiDispatcher dispatcher;

    public ApiVersionsHandler(ApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        if (request.version() >= 3 && !request.isValid()) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        } else {
            response.setErrorCode(Errors.NONE.code());
        }
        response.setApiKeys(dispatcher.apiVersions());
        return CompletableFuture.completedFuture(response);
    }
}
