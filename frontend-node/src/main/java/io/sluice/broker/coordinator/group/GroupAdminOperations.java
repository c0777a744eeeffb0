package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * ListGroups, DescribeGroups and DeleteGroups over this coordinator's groups: those in memory plus those that only
 * have committed offsets in the {@link OffsetStore}, which show as Empty with protocol type "" (like Kafka's
 * "simple" groups, so {@code kafka-consumer-groups --list} shows them).
 */
final class GroupAdminOperations {
    /** The group type ListGroups v5+ reports for every group here (KIP-848 names the classic protocol's groups so). */
    static final String CLASSIC_GROUP_TYPE = "classic";

    private static final Logger log = LoggerFactory.getLogger(GroupAdminOperations.class);

    private final GroupRegistry groups;
    private final GroupTimer timer;
    private final OffsetStore store;
    private final GroupAccess access;

    GroupAdminOperations(GroupRegistry groups, GroupTimer timer, OffsetStore store, GroupAccess access) {
        this.groups = groups;
        this.timer = timer;
        this.store = store;
        this.access = access;
    }

    /**
     * Lists the owned groups (not Dead, not still loading), sorted by group id. A non-empty states filter (v4+,
     * case-insensitive) keeps groups in those states; a non-empty types filter (v5+) keeps them only if it names
     * {@code classic}.
     */
    ListGroupsResponseData list(ListGroupsRequestData request) {
        Set<String> states = lowerCase(request.statesFilter());
        Set<String> types = lowerCase(request.typesFilter());
        ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        if (!types.isEmpty() && !types.contains(CLASSIC_GROUP_TYPE)) {
            return response;
        }
        TreeMap<String, ListedGroup> listed = new TreeMap<>();
        for (ClassicGroup group : groups.matching(access::listable)) {
            if (!group.is(GroupState.DEAD)) {
                listed.put(group.groupId(), listed(group.groupId(), group.protocolType().orElse(""), group.state()));
            }
        }
        for (String groupId : store.groupsWithOffsets()) {
            if (!listed.containsKey(groupId) && groups.get(groupId) == null && access.listable(groupId)) {
                listed.put(groupId, listed(groupId, "", GroupState.EMPTY));
            }
        }
        listed.values().stream().filter(group -> states.isEmpty()
                        || states.contains(group.groupState().toLowerCase(Locale.ROOT)))
                .forEach(response.groups()::add);
        return response;
    }

    private static ListedGroup listed(String groupId, String protocolType, GroupState state) {
        return new ListedGroup().setGroupId(groupId).setProtocolType(protocolType).setGroupState(state.toString())
                .setGroupType(CLASSIC_GROUP_TYPE);
    }

    /**
     * Describes one group: state, protocol type, chosen protocol and members with their client id, host and
     * assignment; member metadata only when Stable (Kafka's rule). An unknown group is Dead, with GROUP_ID_NOT_FOUND
     * from DescribeGroups v6 on (KIP-1043) and no error before.
     */
    DescribedGroup describe(String groupId, short version) {
        Optional<Errors> denied = access.ownershipError(groupId);
        if (denied.isPresent()) {
            return new DescribedGroup().setGroupId(groupId).setErrorCode(denied.get().code());
        }
        ClassicGroup group = groups.get(groupId);
        if (group != null && !group.is(GroupState.DEAD)) {
            Optional<String> protocol = group.is(GroupState.STABLE) ? group.protocolName() : Optional.empty();
            DescribedGroup described = new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code())
                    .setGroupState(group.state().toString()).setProtocolType(group.protocolType().orElse(""))
                    .setProtocolData(protocol.orElse(""));
            group.members().forEach(member -> described.members().add(member.describe(protocol)));
            return described;
        }
        if (group == null && store.hasOffsets(groupId)) {
            return new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code())
                    .setGroupState(GroupState.EMPTY.toString()).setProtocolType("").setProtocolData("");
        }
        DescribedGroup dead = new DescribedGroup().setGroupId(groupId).setGroupState(GroupState.DEAD.toString())
                .setProtocolType("").setProtocolData("").setErrorCode(Errors.NONE.code());
        if (version >= 6) {
            dead.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("group " + groupId + " not found");
        }
        return dead;
    }

    /**
     * Deletes one group and its committed offsets: NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND when it
     * does not exist (neither members nor offsets). The group is gone from memory at once; the result completes when
     * the store has deleted the offsets.
     */
    CompletableFuture<DeletableGroupResult> delete(String groupId) {
        DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
        Optional<Errors> denied = access.check(groupId);
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(result.setErrorCode(denied.get().code()));
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null && !store.hasOffsets(groupId) || group != null && group.is(GroupState.DEAD)) {
            return CompletableFuture.completedFuture(result.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
        }
        if (group != null && !group.is(GroupState.EMPTY)) {
            return CompletableFuture.completedFuture(result.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
        }
        if (group != null) {
            group.transitionTo(GroupState.DEAD);
            groups.remove(groupId);
            timer.cancelGroup(groupId);
        }
        log.info("Deleting group {} and its committed offsets", groupId);
        return store.deleteGroup(groupId).handle((ignored, failure) -> result.setErrorCode(failure == null
                ? Errors.NONE.code() : StoreErrors.toClientError(failure, false).code()));
    }

    private static Set<String> lowerCase(List<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
