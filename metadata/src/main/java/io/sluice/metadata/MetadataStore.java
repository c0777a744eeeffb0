package io.sluice.metadata;

import io.sluice.metadata.etcd.EtcdMetadataStore;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentOverlapException;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster metadata kept in etcd: cluster id, live brokers, topics, partition states, producer id blocks and the
 * remote log metadata of tiered storage.
 *
 * <p><b>Asynchronous, bounded.</b> Every method returns at once; every etcd call inside is bounded by
 * {@link MetadataStoreConfig#requestTimeout()}. When etcd does not answer in time the future fails with Kafka's
 * {@link org.apache.kafka.common.errors.TimeoutException} (REQUEST_TIMED_OUT); a write that timed out may still have
 * been applied, exactly as with a Kafka controller.
 *
 * <p><b>Errors</b> are Kafka's own exception types from {@code org.apache.kafka.common.errors}, so the protocol layer
 * maps them with {@code Errors.forException}. Each method lists the ones it raises; any unexpected etcd failure
 * becomes {@link org.apache.kafka.common.errors.UnknownServerException}.
 *
 * <p><b>Read your writes.</b> Every write that changes the {@link MetadataImage} (cluster id, broker registration,
 * topic and partition changes) completes only after this store's own {@link #cache()} has applied it and notified
 * its listeners. So a Metadata request answered from the cache right after CreateTopics sees the new topic. If the
 * cache does not catch up within the request timeout, the future fails with
 * {@link org.apache.kafka.common.errors.TimeoutException} although the write was committed.
 *
 * <p><b>Races.</b> Every write is one etcd transaction that compares what it read (create-if-absent on
 * {@code version == 0}, or compare-and-swap on the key's mod revision). Writers that lose a race either get the
 * documented Kafka error or re-read and retry, as each method says.
 */
public interface MetadataStore extends AutoCloseable {

    /**
     * Connects to etcd (lazily: no call is made yet) and starts the {@link #cache()} loading in the background.
     * Use {@code cache().ready()} or {@code cache().awaitLatest(...)} to wait for it.
     */
    static MetadataStore connect(MetadataStoreConfig config) {
        return EtcdMetadataStore.connect(config);
    }

    /** The configuration this store runs with. */
    MetadataStoreConfig config();

    /**
     * Returns the cluster id, creating it if absent (a Kafka-style 22-character base64 {@link Uuid} string). Creation
     * is a create-if-absent transaction: concurrent callers all get the one id that won.
     */
    CompletableFuture<String> getOrCreateClusterId();

    /**
     * Registers a broker under a lease kept alive in the background (TTL {@link MetadataStoreConfig#brokerLeaseTtl()}).
     *
     * @return the lease; close it to deregister
     * @throws org.apache.kafka.common.errors.DuplicateBrokerRegistrationException (DUPLICATE_BROKER_REGISTRATION,
     *         through the future) if a live registration with this broker id exists: a second broker with the same
     *         {@code node.id} must not start
     */
    CompletableFuture<BrokerLease> registerBroker(BrokerRegistration registration);

    /**
     * Creates a topic with a new topic ID. Replicas are placed on {@code liveBrokers} unless the request gives an
     * explicit assignment; every partition starts with leader = first replica, leader epoch 0, ISR = replicas.
     *
     * <p>Errors (through the future): {@code InvalidTopicException} (name invalid per Kafka's rules, or colliding with
     * an existing topic that differs only in '.' versus '_'); {@code TopicExistsException} (TOPIC_ALREADY_EXISTS; of two
     * racing creators exactly one wins); {@code InvalidPartitionsException}; {@code InvalidReplicationFactorException}
     * (also when it exceeds the live broker count); {@code InvalidReplicaAssignmentException};
     * {@code InvalidRequestException} (counts and assignment both given); {@code InvalidConfigurationException}
     * (INVALID_CONFIG: unknown name or bad value).
     */
    CompletableFuture<TopicMetadata> createTopic(NewTopicRequest request, List<BrokerRegistration> liveBrokers);

    /**
     * Runs every check of {@link #createTopic} (including whether the topic exists) without writing, and returns the
     * topic that would be created (for CreateTopics with {@code validateOnly}). The topic ID and the placement are not
     * kept.
     */
    CompletableFuture<TopicMetadata> validateCreateTopic(NewTopicRequest request, List<BrokerRegistration> liveBrokers);

    /** Reads one topic directly from etcd (linearizable); empty if it does not exist. */
    CompletableFuture<Optional<TopicMetadata>> describeTopic(String name);

    /**
     * Deletes a topic: its definition, its name claim and all its partition states, in one transaction.
     *
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException (UNKNOWN_TOPIC_OR_PARTITION, through
     *         the future) if no topic has that name
     */
    CompletableFuture<Void> deleteTopic(String name);

    /**
     * Increases a topic's partition count, placing the new partitions' replicas on {@code liveBrokers}.
     *
     * @param newTotalCount the total partition count wanted (not the number to add)
     * @throws org.apache.kafka.common.errors.InvalidPartitionsException (INVALID_PARTITIONS) if the count is not
     *         larger than the current one
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the topic does not exist
     * @throws org.apache.kafka.common.errors.InvalidReplicationFactorException if fewer live brokers than the
     *         topic's replication factor
     */
    default CompletableFuture<TopicMetadata> createPartitions(String topic, int newTotalCount,
                                                              List<BrokerRegistration> liveBrokers) {
        return createPartitions(topic, newTotalCount, List.of(), liveBrokers);
    }

    /**
     * As {@link #createPartitions(String, int, List)}, with an optional explicit assignment for the new partitions
     * only (one replica list per new partition, in order), as Kafka's CreatePartitions allows.
     *
     * @throws org.apache.kafka.common.errors.InvalidReplicaAssignmentException if the assignment has the wrong number
     *         of partitions, wrong replication factor, duplicates or brokers that are not live
     */
    CompletableFuture<TopicMetadata> createPartitions(String topic, int newTotalCount,
                                                      List<List<Integer>> newAssignments,
                                                      List<BrokerRegistration> liveBrokers);

    /**
     * Sets or deletes topic config overrides: {@code Optional.of(value)} sets, {@code Optional.empty()} deletes (the
     * default applies again). The whole change is validated first (unknown name or bad value →
     * {@code InvalidConfigurationException}), then written with a compare-and-swap on the topic's version; on a lost
     * race it re-reads and re-applies. To compute the map for IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT)
     * use {@link io.sluice.metadata.config.TopicConfigDefs#incrementalChanges}.
     *
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the topic does not exist
     */
    CompletableFuture<TopicMetadata> alterTopicConfigs(String topic, Map<String, Optional<String>> setOrDelete);

    /**
     * Replaces a partition's state if it still equals {@code expected} (compare-and-swap on the partition's etcd mod
     * revision). This is how leader elections and ISR changes are written.
     *
     * @return true if written; false if the current state is not {@code expected} (a stale view)
     * @throws org.apache.kafka.common.errors.UnknownTopicIdException (UNKNOWN_TOPIC_ID) if the topic does not exist
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the partition index does not exist
     * @throws org.apache.kafka.common.errors.InvalidUpdateVersionException (INVALID_UPDATE_VERSION) if
     *         {@code next.partitionEpoch()} is not greater than {@code expected.partitionEpoch()}, or
     *         {@code next.leaderEpoch()} is smaller than {@code expected.leaderEpoch()}
     */
    CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition, PartitionState expected,
                                                           PartitionState next);

    /**
     * As {@link #compareAndSetPartitionState(Uuid, int, PartitionState, PartitionState)}, written on behalf of a
     * broker (a partition leader shrinking or expanding its ISR, Sluice's AlterPartition): the same transaction also
     * requires the broker's registration {@code brokers/<writerBrokerId>} to still be the one created at
     * {@code writerBrokerEpoch} ({@link BrokerLease#brokerEpoch()}). A broker whose lease expired (paused, cut off)
     * or that registered again since can then change nothing, as Kafka's controller rejects an AlterPartition with a
     * stale broker epoch. Compare {@code expected} including its leader epoch, so a change made meanwhile by the
     * controller (a new leader epoch) makes the write return false.
     *
     * @return true if written; false if the current state is not {@code expected}
     * @throws org.apache.kafka.common.errors.StaleBrokerEpochException (STALE_BROKER_EPOCH, through the future) if
     *         the writer's registration is gone or has another epoch; nothing was written
     * @throws org.apache.kafka.common.errors.UnknownTopicIdException if the topic does not exist
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the partition does not exist
     * @throws org.apache.kafka.common.errors.InvalidUpdateVersionException if the epochs do not move forward
     */
    CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition, PartitionState expected,
                                                           PartitionState next, int writerBrokerId,
                                                           long writerBrokerEpoch);

    /**
     * Tries once to become the active controller: if no controller holds the {@code controller} key, creates it
     * under a new lease of {@code leaseTtl} (kept alive in the background) and increments the persisted controller
     * epoch, in one transaction. Of concurrent candidates exactly one wins each epoch. Completes once this store's
     * cache shows the new controller ({@link MetadataImage#controllerId()}).
     *
     * @param leaseTtl the controller lease TTL, rounded up to whole seconds; when the holder dies or is paused longer,
     *                 etcd deletes the key and another broker can win. etcd silently raises TTLs below its minimum
     *                 (about 1.5 x its election timeout).
     * @return the won session, or empty if another controller is active
     */
    CompletableFuture<Optional<ControllerSession>> tryBecomeController(int brokerId, java.time.Duration leaseTtl);

    /**
     * Reserves the next block of {@link ProducerIdBlock#DEFAULT_BLOCK_SIZE} producer ids for a broker
     * (compare-and-swap on a counter key, retried on contention). Blocks never overlap, across all brokers and
     * restarts. Use {@link io.sluice.metadata.producer.ProducerIdManager} to hand out single ids.
     */
    CompletableFuture<ProducerIdBlock> allocateProducerIdBlock(int brokerId);

    /**
     * Registers a remote log segment whose objects are already in the object store (tiered storage, KIP-405), in ONE
     * etcd transaction that also requires: the topic to exist; the partition's current leader epoch to equal
     * {@code leaderEpoch} and its leader to be {@code brokerId}; the broker's registration to be the one created at
     * {@code brokerEpoch}; and the partition's remote log summary to be unchanged since it was read. A deposed
     * leader's late upload can therefore never be registered. The segment must start after every offset registered
     * before ({@link RemoteLogState#highestOffset()}), so registered ranges never overlap and a range deleted by
     * retention is never registered again. Keys and values: {@code docs/etcd-key-layout.md}.
     *
     * <p>Idempotent: if a registration with the same {@link RemoteSegmentMetadata#segmentId()} already exists at the
     * base offset (an earlier attempt whose answer was lost), it completes with that registration, whatever the fence
     * says now.
     *
     * @param segment     the segment in state {@code COPY_FINISHED}, whose {@code leaderEpoch} and {@code brokerId}
     *                    are the two arguments
     * @param leaderEpoch the uploader's leader epoch
     * @param brokerId    the uploading broker (the partition leader)
     * @param brokerEpoch its broker epoch ({@link BrokerLease#brokerEpoch()})
     * @return the registered segment
     * @throws org.apache.kafka.common.errors.FencedLeaderEpochException (FENCED_LEADER_EPOCH, through the future) if
     *         the partition has a newer leader epoch: the caller is a deposed leader
     * @throws org.apache.kafka.common.errors.UnknownLeaderEpochException if {@code leaderEpoch} is newer than the
     *         stored one
     * @throws org.apache.kafka.common.errors.NotLeaderOrFollowerException if {@code brokerId} is not the leader
     * @throws org.apache.kafka.common.errors.StaleBrokerEpochException if the broker's registration is gone or newer
     * @throws RemoteSegmentOverlapException (INVALID_REQUEST) if the segment starts at or below the highest
     *         registered offset
     * @throws org.apache.kafka.common.errors.UnknownTopicIdException if the topic does not exist (any more)
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the partition does not exist
     * @throws org.apache.kafka.common.errors.InvalidRequestException if the segment is not {@code COPY_FINISHED} or
     *         names another leader epoch or broker
     * @throws org.apache.kafka.common.errors.TimeoutException if etcd did not answer: the registration may or may
     *         not have been applied (read {@link #remoteSegments} to find out; never delete the objects then)
     */
    CompletableFuture<RemoteSegmentMetadata> registerRemoteSegment(RemoteSegmentMetadata segment, int leaderEpoch,
                                                                   int brokerId, long brokerEpoch);

    /**
     * The remote segments of a partition, sorted by base offset, in every state ({@code COPY_FINISHED} and
     * {@code DELETE_STARTED}; only {@code COPY_FINISHED} ones may be read). A linearizable read from etcd, paged, bounded
     * by the request timeout per page; empty for a partition without remote data.
     */
    CompletableFuture<List<RemoteSegmentMetadata>> remoteSegments(Uuid topicId, int partition);

    /** The partition's remote log summary; {@link RemoteLogState#EMPTY} if it never had a remote segment. */
    CompletableFuture<RemoteLogState> remoteLogState(Uuid topicId, int partition);

    /**
     * The first step of deleting remote segments (retention; KIP-405's {@code DELETE_SEGMENT_STARTED}): marks them
     * {@code DELETE_STARTED} in one transaction fenced exactly as {@link #registerRemoteSegment}, and takes them out of
     * {@link RemoteLogState}'s count and size. From then on readers must not use them. The caller then deletes their
     * objects and calls {@link #removeRemoteSegments}. Segments no longer registered (or registered with another
     * segment id) are skipped; segments already {@code DELETE_STARTED} are returned as they are.
     *
     * @param segments at most 100 segments of this partition (as read from {@link #remoteSegments})
     * @return the segments now in {@code DELETE_STARTED}
     * @throws org.apache.kafka.common.errors.FencedLeaderEpochException and the other fencing errors of
     *         {@link #registerRemoteSegment}
     * @throws org.apache.kafka.common.errors.InvalidRequestException if more than 100 segments or a segment of
     *         another partition
     */
    CompletableFuture<List<RemoteSegmentMetadata>> startRemoteSegmentDeletion(Uuid topicId, int partition,
                                                                              List<RemoteSegmentMetadata> segments,
                                                                              int leaderEpoch, int brokerId,
                                                                              long brokerEpoch);

    /**
     * The last step of deleting remote segments: removes the registrations of segments in {@code DELETE_STARTED}
     * whose objects are gone (KIP-405's {@code DELETE_SEGMENT_FINISHED}). Not fenced: any broker may finish a
     * started deletion. Segments already removed are skipped.
     *
     * @param segments at most 100 segments of this partition
     * @return how many registrations were removed
     * @throws org.apache.kafka.common.errors.InvalidRequestException if a segment is still registered as
     *         {@code COPY_FINISHED} (nothing is removed), more than 100 segments, or one of another partition
     */
    CompletableFuture<Integer> removeRemoteSegments(Uuid topicId, int partition, List<RemoteSegmentMetadata> segments);

    /**
     * The partitions that have remote log metadata (a {@link RemoteLogState}: they registered a segment at least
     * once), by topic ID, including topics deleted since (whose objects and metadata are garbage, see
     * {@link #removeRemoteLogOfDeletedTopic}). A linearizable read of keys only.
     */
    CompletableFuture<Map<Uuid, SortedSet<Integer>>> remoteLogPartitions();

    /**
     * Removes all remote log metadata of a deleted topic (its segment registrations and partition summaries), in one
     * transaction guarded by the topic's absence. The caller deletes the objects first.
     *
     * @return true if removed (or there was nothing), false if the topic exists
     */
    CompletableFuture<Boolean> removeRemoteLogOfDeletedTopic(Uuid topicId);

    /** This store's watch-fed cache; started by {@link #connect}, stopped by {@link #close()}. */
    MetadataCache cache();

    /**
     * Revokes the leases of brokers registered through this store and of controller sessions won through it, stops
     * the cache and closes the etcd client.
     * Pending futures fail.
     */
    @Override
    void close();
}
