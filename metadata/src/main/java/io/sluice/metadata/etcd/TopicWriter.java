package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.TopicConfigDefs;
import io.sluice.metadata.placement.AssignmentValidator;
import io.sluice.metadata.placement.ReplicaPlacer;

import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Topic writes, each one etcd transaction guarded by what it read:
 * <ul>
 *   <li>create: {@code version(topic-names/<unified>) == 0 && version(topics/<id>) == 0} → put both; else get the
 *       claim to tell TOPIC_ALREADY_EXISTS from a name collision;</li>
 *   <li>delete: {@code mod_revision(topic-names/<unified>) == read} → delete the claim, the topic and every
 *       {@code partitions/<id>/*};</li>
 *   <li>create partitions and alter configs: {@code mod_revision(topics/<id>) == read} → put the new topic document;
 *       a lost race re-reads and re-applies.</li>
 * </ul>
 * Each completes after this store's cache applied it.
 */
final class TopicWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TopicWriter.class);

    private final WriteContext ctx;
    private final TopicReader reader;
    private final TopicPlanner planner;
    private final ReplicaPlacer placer;

    TopicWriter(WriteContext ctx, TopicReader reader, ReplicaPlacer placer) {
        this.ctx = ctx;
        this.reader = reader;
        this.placer = placer;
        this.planner = new TopicPlanner(placer, ctx.brokerDefaults());
    }

    CompletableFuture<TopicMetadata> create(NewTopicRequest request, List<BrokerRegistration> liveBrokers) {
        StoredValues.TopicValue topic;
        try {
            topic = planner.plan(request, liveBrokers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        ByteSequence nameKey = ctx.keys().topicName(topic.name());
        ByteSequence topicKey = ctx.keys().topic(topic.id());
        ByteSequence claim = ValueCodec.encode(
            new StoredValues.TopicNameValue(StoredValues.VERSION, topic.name(), topic.topicId()));
        return ctx.calls().call("create topic " + topic.name(), () -> ctx.kv().txn()
                .If(new Cmp(nameKey, Cmp.Op.EQUAL, CmpTarget.version(0)),
                    new Cmp(topicKey, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(nameKey, claim, PutOption.DEFAULT),
                    Op.put(topicKey, ValueCodec.encode(topic), PutOption.DEFAULT))
                .Else(Op.get(nameKey, GetOption.DEFAULT))
                .commit())
            .thenCompose(response -> {
                if (!response.isSucceeded()) {
                    return CompletableFuture.failedFuture(existsError(topic.name(), response.getGetResponses()
                        .get(0).getKvs().stream().findFirst().map(kv -> ValueCodec.decode(kv.getValue(),
                            StoredValues.TopicNameValue.class, nameKey).name())));
                }
                TopicMetadata created = topic.toMetadata(Map.of());
                LOG.info("Created topic {} with topic ID {}: {} partition(s), replication factor {}, overrides {}",
                    topic.name(), topic.topicId(), created.partitionCount(), topic.replicationFactor(),
                    topic.configs());
                return ctx.afterCacheSees(response.getHeader().getRevision(), created);
            });
    }

    CompletableFuture<TopicMetadata> validateCreate(NewTopicRequest request, List<BrokerRegistration> liveBrokers) {
        StoredValues.TopicValue topic;
        try {
            topic = planner.plan(request, liveBrokers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        ByteSequence nameKey = ctx.keys().topicName(topic.name());
        return ctx.calls().call("read topic name", () -> ctx.kv().get(nameKey)).thenCompose(read -> {
            if (read.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(topic.toMetadata(Map.of()));
            }
            String holder = ValueCodec.decode(read.getKvs().get(0).getValue(), StoredValues.TopicNameValue.class,
                nameKey).name();
            return CompletableFuture.failedFuture(existsError(topic.name(), Optional.of(holder)));
        });
    }

    private static RuntimeException existsError(String name, Optional<String> holder) {
        if (holder.isEmpty() || holder.get().equals(name)) {
            return new TopicExistsException("Topic '" + name + "' already exists.");
        }
        return new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + holder.get());
    }

    CompletableFuture<Void> delete(String name) {
        return CasRetry.<Boolean>run("delete topic " + name, () -> reader.byName(name).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.failedFuture(unknownTopic(name));
            }
            TopicReader.StoredTopic topic = found.get();
            ByteSequence nameKey = ctx.keys().topicName(name);
            return ctx.calls().call("delete topic " + name, () -> ctx.kv().txn()
                    .If(new Cmp(nameKey, Cmp.Op.EQUAL, CmpTarget.modRevision(topic.nameRevision())))
                    .Then(Op.delete(nameKey, DeleteOption.DEFAULT),
                        Op.delete(ctx.keys().topic(topic.topicId()), DeleteOption.DEFAULT),
                        Op.delete(ctx.keys().partitionsOf(topic.topicId()),
                            DeleteOption.builder().isPrefix(true).build()))
                    .commit())
                .thenCompose(response -> {
                    if (!response.isSucceeded()) {
                        return CompletableFuture.completedFuture(Optional.<Boolean>empty());
                    }
                    LOG.info("Deleted topic {} with topic ID {}", name, topic.topicId());
                    return ctx.afterCacheSees(response.getHeader().getRevision(), Optional.of(Boolean.TRUE));
                });
        })).thenApply(deleted -> null);
    }

    CompletableFuture<TopicMetadata> createPartitions(String name, int newTotalCount,
                                                      List<List<Integer>> newAssignments,
                                                      List<BrokerRegistration> liveBrokers) {
        return update(name, "create partitions of " + name, topic -> {
            List<List<Integer>> existing = topic.assignments();
            int current = existing.size();
            if (newTotalCount < current) {
                throw new InvalidPartitionsException("The topic " + name + " currently has " + current
                    + " partition(s); " + newTotalCount + " would not be an increase.");
            }
            if (newTotalCount == current) {
                throw new InvalidPartitionsException("Topic already has " + current + " partition(s).");
            }
            int added = newTotalCount - current;
            List<List<Integer>> placed;
            if (newAssignments.isEmpty()) {
                placed = placer.placeAdditional(existing, added, topic.replicationFactor(), liveBrokers);
            } else {
                if (newAssignments.size() != added) {
                    throw new InvalidReplicaAssignmentException("Attempted to add " + added
                        + " additional partition(s), but only " + newAssignments.size()
                        + " assignment(s) were specified.");
                }
                AssignmentValidator.validate(newAssignments, topic.replicationFactor(),
                    TopicPlanner.ids(liveBrokers));
                placed = newAssignments;
            }
            List<List<Integer>> all = new ArrayList<>(existing);
            all.addAll(placed);
            return new StoredValues.TopicValue(StoredValues.VERSION, topic.name(), topic.topicId(),
                topic.replicationFactor(), topic.configs(), all);
        });
    }

    CompletableFuture<TopicMetadata> alterConfigs(String name, Map<String, Optional<String>> setOrDelete) {
        return update(name, "alter configs of " + name, topic -> {
            Map<String, String> before = topic.configs() == null ? Map.of() : topic.configs();
            Map<String, String> after = TopicConfigDefs.applyChanges(before, setOrDelete);
            TopicConfigDefs.validateChange(before, after, ctx.brokerDefaults());
            return new StoredValues.TopicValue(StoredValues.VERSION, topic.name(), topic.topicId(),
                topic.replicationFactor(), new TreeMap<>(after), topic.assignments());
        });
    }

    /** Read, change, compare-and-swap on the topic document's mod revision; re-run on a lost race. */
    private CompletableFuture<TopicMetadata> update(String name, String what,
                                                    UnaryOperator<StoredValues.TopicValue> change) {
        return CasRetry.run(what, () -> reader.byName(name).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.failedFuture(unknownTopic(name));
            }
            TopicReader.StoredTopic topic = found.get();
            StoredValues.TopicValue next;
            try {
                next = change.apply(topic.value());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            ByteSequence topicKey = ctx.keys().topic(topic.topicId());
            return ctx.calls().call(what, () -> ctx.kv().txn()
                    .If(new Cmp(topicKey, Cmp.Op.EQUAL, CmpTarget.modRevision(topic.topicRevision())))
                    .Then(Op.put(topicKey, ValueCodec.encode(next), PutOption.DEFAULT))
                    .commit())
                .thenCompose(response -> {
                    if (!response.isSucceeded()) {
                        return CompletableFuture.completedFuture(Optional.<TopicMetadata>empty());
                    }
                    LOG.info("Updated topic {}: {} partition(s), overrides {}", name, next.assignments().size(),
                        next.configs());
                    long revision = response.getHeader().getRevision();
                    return ctx.cache().awaitRevision(revision, ctx.calls().timeout())
                        .thenApplyAsync(image -> Optional.of(image.topic(topic.topicId())
                            .orElseGet(() -> next.toMetadata(Map.of()))), ctx.callbacks());
                });
        }));
    }

    static UnknownTopicOrPartitionException unknownTopic(String name) {
        return new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
    }
}
