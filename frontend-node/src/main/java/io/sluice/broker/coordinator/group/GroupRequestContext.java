package io.sluice.broker.coordinator.group;

/**
 * What the coordinator needs to know about a request besides its body.
 *
 * @param clientId   the request header's client id (member ids of dynamic members start with it)
 * @param clientHost the client's address as Kafka shows it in DescribeGroups, e.g. {@code /127.0.0.1}
 * @param apiVersion the request's API version (JoinGroup v4+ requires a known member id, KIP-394; v9+ can skip the
 *                   assignment, KIP-814; OffsetCommit v9+ answers GROUP_ID_NOT_FOUND for unknown groups)
 */
public record GroupRequestContext(String clientId, String clientHost, short apiVersion) {
    public GroupRequestContext {
        clientId = clientId == null ? "" : clientId;
        clientHost = clientHost == null ? "" : clientHost;
    }
}
