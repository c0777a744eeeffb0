package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupRequestContext;
import io.sluice.broker.protocol.RequestContext;

import java.net.InetSocketAddress;

/** Builds the group coordinator's view of a request (client id, host as Kafka prints it, API version). */
final class GroupRequestContexts {
    private GroupRequestContexts() {
    }

    static GroupRequestContext of(RequestContext context) {
        return new GroupRequestContext(context.clientId(), clientHost(context.clientAddress()), context.apiVersion());
    }

    /**
     * @return the host as Kafka shows it in DescribeGroups (the peer's {@code InetAddress.toString()} without a host
     *         name, e.g. {@code /127.0.0.1}); never a reverse DNS lookup
     */
    static String clientHost(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        return "/" + (address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString());
    }
}
