package io.sluice.broker.partition;

import io.sluice.broker.config.TopicConfigs;
import io.sluice.broker.replication.ReplicaFetcherManager;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.storage.log.LogConfig;
import io.sluice.storage.log.LogManager;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the partitions this broker hosts match the metadata image: opens the log of every partition whose replica
 * set names this broker, applies leader/ISR/config changes, and removes (and deletes the logs of) partitions of
 * deleted topics or of topics recreated under a new topic ID. Runs on the metadata cache's listener thread, in
 * the order etcd wrote the changes.
 */
public final class PartitionReconciler implements MetadataListener {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReconciler.class);

    private final int localBrokerId;
    private final LogManager logManager;
    private final ReplicaManager replicaManager;
    private final TopicConfigs topicConfigs;
    private final Consumer<Partition> onAdded;
    private final Consumer<TopicPartition> onRemoved;
    private final ReplicaFetcherManager fetchers;

    /**
     * @param topicConfigs    resolves a topic's effective configuration
     * @param fetchers        the follower side: partitions led by another broker are fetched from it
     * @param onAdded         told when a partition starts being hosted (metrics)
     * @param onRemoved       told when a partition stops being hosted
     */
    public PartitionReconciler(int localBrokerId, LogManager logManager, ReplicaManager replicaManager,
                               TopicConfigs topicConfigs, ReplicaFetcherManager fetchers,
                               Consumer<Partition> onAdded, Consumer<TopicPartition> onRemoved) {
        this.fetchers = fetchers;
        this.localBrokerId = localBrokerId;
        this.logManager = logManager;
        this.replicaManager = replicaManager;
        this.topicConfigs = topicConfigs;
        this.onAdded = onAdded;
        this.onRemoved = onRemoved;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        reconcile(newImage);
    }

    /** Brings hosted partitions in line with {@code image}. */
    public synchronized void reconcile(MetadataImage image) {
        Set<TopicPartition> wanted = new HashSet<>();
        for (TopicMetadata topic : image.topicsByName().values()) {
            LogConfig logConfig = topicConfigs.logConfig(topic);
            int minIsr = topicConfigs.resolve(topic).minInSyncReplicas();
            for (Map.Entry<Integer, PartitionState> entry : topic.partitions().entrySet()) {
                PartitionState state = entry.getValue();
                if (!state.isReplica(localBrokerId)) {
                    continue;
                }
                TopicIdPartition tip = topic.topicIdPartition(entry.getKey());
                wanted.add(tip.topicPartition());
                try {
                    apply(tip, state, logConfig, minIsr);
                } catch (RuntimeException e) {
                    LOG.error("could not host partition={} topicId={}", tip.topicPartition(), tip.topicId(), e);
                }
            }
        }
        for (Partition hosted : replicaManager.partitions()) {
            if (!wanted.contains(hosted.topicPartition())) {
                remove(hosted.topicPartition(), "no longer assigned or topic deleted");
            }
        }
        for (PartitionLog log : logManager.allLogs()) {
            if (!wanted.contains(log.topicPartition())) {
                LOG.info("deleting log of unknown partition={} (topic deleted while the broker was down?)",
                        log.topicPartition());
                logManager.deleteLog(log.topicPartition());
            }
        }
    }

    private void apply(TopicIdPartition tip, PartitionState state, LogConfig logConfig, int minIsr) {
        TopicPartition tp = tip.topicPartition();
        Partition existing = replicaManager.partition(tp).orElse(null);
        if (existing != null && !existing.topicIdPartition().topicId().equals(tip.topicId())) {
            remove(tp, "topic recreated with id " + tip.topicId());
            existing = null;
        }
        if (existing == null) {
            logManager.getLog(tp).filter(stale -> stale.topicId().map(id -> !id.equals(tip.topicId())).orElse(false))
                    .ifPresent(stale -> {
                        LOG.info("deleting log of partition={} from an older topic id={}", tp, stale.topicId().get());
                        logManager.deleteLog(tp);
                    });
            PartitionLog log = logManager.getOrCreateLog(tp, tip.topicId(), logConfig);
            Partition partition = new Partition(tip, localBrokerId, log, state, minIsr, replicaManager.nowMs());
            replicaManager.addPartition(partition);
            onAdded.accept(partition);
            if (state.leader() == localBrokerId) {
                LOG.info("leading partition={} leaderEpoch={} isr={}", tp, state.leaderEpoch(), state.isr());
            } else if (state.hasLeader()) {
                fetchers.follow(partition, state.leader(), state.leaderEpoch());
            }
            return;
        }
        logManager.updateConfig(tp, logConfig);
        boolean stateChanged = !existing.state().equals(state);
        Partition.RoleChange change = existing.updateState(state, minIsr, replicaManager.nowMs());
        switch (change) {
            case BECAME_LEADER -> {
                fetchers.unfollow(tp);
                LOG.info("became leader of partition={} leaderEpoch={} isr={}", tp, state.leaderEpoch(), state.isr());
            }
            case BECAME_FOLLOWER, NEW_LEADER_EPOCH_AS_FOLLOWER -> {
                if (state.hasLeader()) {
                    fetchers.follow(existing, state.leader(), state.leaderEpoch());
                } else {
                    fetchers.unfollow(tp);
                    LOG.warn("partition={} has no leader (leaderEpoch={}, isr={})", tp, state.leaderEpoch(), state.isr());
                }
            }
            case NONE -> { }
        }
        if (stateChanged) {
            replicaManager.onHighWatermarkChanged(tp);
        }
    }

    private void remove(TopicPartition tp, String reason) {
        fetchers.unfollow(tp);
        replicaManager.removePartition(tp).ifPresent(p -> {
            onRemoved.accept(tp);
            logManager.deleteLog(tp);
            LOG.info("stopped hosting partition={} reason={}", tp, reason);
        });
    }
}
