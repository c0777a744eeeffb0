package io.sluice.metadata.placement;

import io.sluice.metadata.BrokerRegistration;

import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places partition replicas on live brokers, after Kafka's classic {@code AdminUtils.assignReplicasToBrokers}:
 * <ul>
 *   <li>the leader (first replica) of partition {@code p} is broker {@code (p + startIndex) mod n} of the broker list,
 *       so leaders go round-robin and spread evenly;</li>
 *   <li>followers follow the leader at a shift that grows by one each time the partitions wrap around the broker list,
 *       so replica sets differ between rounds;</li>
 *   <li>rack-aware when every broker has a rack and there are at least two racks: the broker list alternates racks,
 *       and followers go first to racks that have no replica of the partition yet (each rack gets at most one replica
 *       until all racks have one). If only some brokers have a rack, placement ignores racks.</li>
 * </ul>
 * The start index and the initial shift are random (from the injected {@link Random}) so different topics start on
 * different brokers. Stateless apart from the random source; thread-safe.
 */
public final class ReplicaPlacer {

    private final Random random;

    public ReplicaPlacer(Random random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    public ReplicaPlacer() {
        this(new Random());
    }

    /**
     * Places the replicas of {@code count} new partitions of a new topic.
     *
     * @param count             number of partitions, {@code > 0}
     * @param replicationFactor replicas per partition, {@code 1..liveBrokers.size()}
     * @return one replica list per partition, partition 0 first; each list has the preferred leader first
     * @throws InvalidPartitionsException         if {@code count <= 0}
     * @throws InvalidReplicationFactorException  if {@code replicationFactor <= 0} or larger than the number of live
     *                                            brokers (Kafka's messages)
     */
    public List<List<Integer>> placeNewTopic(int count, short replicationFactor, Collection<BrokerRegistration> liveBrokers) {
        List<Integer> arranged = arrange(liveBrokers);
        check(count, replicationFactor, arranged.size());
        return place(0, count, replicationFactor, liveBrokers, random.nextInt(arranged.size()),
            random.nextInt(arranged.size()));
    }

    /**
     * Places the replicas of partitions added to an existing topic (CreatePartitions). The round-robin continues from
     * the leader of the existing partition 0, as Kafka does.
     *
     * @param existing          the current replica lists, partition 0 first
     * @param count             number of partitions to add, {@code > 0}
     * @param replicationFactor replicas per new partition
     * @return the replica lists of the new partitions, in partition order
     */
    public List<List<Integer>> placeAdditional(List<List<Integer>> existing, int count, short replicationFactor,
                                               Collection<BrokerRegistration> liveBrokers) {
        List<Integer> arranged = arrange(liveBrokers);
        check(count, replicationFactor, arranged.size());
        int startIndex = 0;
        if (!existing.isEmpty() && !existing.get(0).isEmpty()) {
            int leader0 = existing.get(0).get(0);
            int index = arranged.indexOf(leader0);
            startIndex = index >= 0 ? index : 0;
        }
        return place(existing.size(), count, replicationFactor, liveBrokers, startIndex,
            random.nextInt(arranged.size()));
    }

    /**
     * The deterministic core: places partitions {@code firstPartition} (inclusive) to {@code firstPartition + count}
     * (exclusive).
     *
     * @param startIndex index in the arranged broker list of the leader of partition 0
     * @param shift      initial follower shift
     */
    public List<List<Integer>> place(int firstPartition, int count, short replicationFactor,
                                     Collection<BrokerRegistration> liveBrokers, int startIndex, int shift) {
        List<Integer> arranged = arrange(liveBrokers);
        int n = arranged.size();
        check(count, replicationFactor, n);
        Map<Integer, String> racks = rackAware(liveBrokers) ? racksById(liveBrokers) : Map.of();
        List<List<Integer>> out = new ArrayList<>(count);
        int currentShift = shift;
        for (int p = firstPartition; p < firstPartition + count; p++) {
            if (p > 0 && p % n == 0) {
                currentShift++;
            }
            int leaderIndex = Math.floorMod(p + startIndex, n);
            out.add(replicasFor(arranged, racks, leaderIndex, currentShift, replicationFactor));
        }
        return out;
    }

    private static List<Integer> replicasFor(List<Integer> arranged, Map<Integer, String> racks, int leaderIndex,
                                             int shift, short replicationFactor) {
        int n = arranged.size();
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        replicas.add(arranged.get(leaderIndex));
        if (replicationFactor == 1) {
            return replicas;
        }
        List<Integer> candidates = new ArrayList<>(n - 1);
        for (int k = 0; k < n - 1; k++) {
            candidates.add(arranged.get((leaderIndex + 1 + Math.floorMod(shift + k, n - 1)) % n));
        }
        if (!racks.isEmpty()) {
            Set<String> usedRacks = new HashSet<>();
            usedRacks.add(racks.get(replicas.get(0)));
            long rackCount = racks.values().stream().distinct().count();
            for (Integer candidate : candidates) {
                if (replicas.size() == replicationFactor || usedRacks.size() == rackCount) {
                    break;
                }
                if (usedRacks.add(racks.get(candidate))) {
                    replicas.add(candidate);
                }
            }
        }
        for (Integer candidate : candidates) {
            if (replicas.size() == replicationFactor) {
                break;
            }
            if (!replicas.contains(candidate)) {
                replicas.add(candidate);
            }
        }
        return replicas;
    }

    private static void check(int count, short replicationFactor, int brokerCount) {
        if (count <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException(
                "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (replicationFactor > brokerCount) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                + " time(s): The target replication factor of " + replicationFactor
                + " cannot be reached because only " + brokerCount + " broker(s) are registered.");
        }
    }

    /** Whether placement will be rack-aware for these brokers. */
    public static boolean rackAware(Collection<BrokerRegistration> brokers) {
        return brokers.stream().allMatch(b -> b.rack().isPresent())
            && brokers.stream().map(b -> b.rack().get()).distinct().count() > 1;
    }

    private static Map<Integer, String> racksById(Collection<BrokerRegistration> brokers) {
        Map<Integer, String> racks = new TreeMap<>();
        brokers.forEach(b -> racks.put(b.brokerId(), b.rack().orElseThrow()));
        return racks;
    }

    /**
     * The broker order placement walks: by id, or alternating racks (first broker of each rack by rack name, then
     * the second of each, ...) when rack-aware.
     */
    static List<Integer> arrange(Collection<BrokerRegistration> brokers) {
        List<BrokerRegistration> sorted = new ArrayList<>(brokers);
        sorted.sort(Comparator.comparingInt(BrokerRegistration::brokerId));
        if (!rackAware(sorted)) {
            return sorted.stream().map(BrokerRegistration::brokerId).toList();
        }
        Map<String, List<Integer>> byRack = new TreeMap<>();
        sorted.forEach(b -> byRack.computeIfAbsent(b.rack().orElseThrow(), r -> new ArrayList<>()).add(b.brokerId()));
        List<Integer> out = new ArrayList<>(sorted.size());
        for (int round = 0; out.size() < sorted.size(); round++) {
            for (List<Integer> rack : byRack.values()) {
                if (round < rack.size()) {
                    out.add(rack.get(round));
                }
            }
        }
        return out;
    }
}
