package io.sluice.broker.http;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;

/**
 * Explains where to go when this broker cannot serve a partition's data: produce and fetch go to the partition
 * leader, as with Kafka clients (NOT_LEADER_OR_FOLLOWER, 503). The message names the leader's broker id and HTTP
 * address when the metadata knows them.
 */
final class LeaderHint {
    private LeaderHint() {
    }

    /** @return NOT_LEADER_OR_FOLLOWER for {@code tp}, naming its leader */
    static NotLeaderOrFollowerException notLeader(MetadataImage image, TopicPartition tp, int localBrokerId) {
        return new NotLeaderOrFollowerException("broker " + localBrokerId + " does not lead " + tp + "; "
                + leaderDescription(image, tp));
    }

    private static String leaderDescription(MetadataImage image, TopicPartition tp) {
        PartitionState state = image.partition(tp).orElse(null);
        if (state == null || !state.hasLeader()) {
            return "it has no leader right now";
        }
        BrokerRegistration leader = image.broker(state.leader()).orElse(null);
        if (leader == null || leader.httpPort() == 0) {
            return "its leader is broker " + state.leader();
        }
        return "its leader is broker " + state.leader() + " at http://" + leader.host() + ":" + leader.httpPort();
    }
}
