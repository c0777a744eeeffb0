package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The groups this coordinator holds in memory, by group id. Groups that only have committed offsets (no members
 * since this coordinator took over) are not here; the {@link OffsetStore} knows them. Used only on the event loop.
 */
final class GroupRegistry {
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final Time time;

    GroupRegistry(Time time) {
        this.time = time;
    }

    /** @return the group, or null */
    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    /** @return the group, created Empty if absent */
    ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time));
    }

    /** Adds a group (a loaded one), replacing any group with the same id. */
    void put(ClassicGroup group) {
        groups.put(group.groupId(), group);
    }

    void remove(String groupId) {
        groups.remove(groupId);
    }

    /** @return the groups whose id matches, as a copy */
    List<ClassicGroup> matching(Predicate<String> groupIds) {
        List<ClassicGroup> result = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            if (groupIds.test(group.groupId())) {
                result.add(group);
            }
        }
        return result;
    }
}
