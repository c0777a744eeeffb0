package io.sluice.broker.http;

import com.fasterxml.jackson.core.JsonParseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMapperTest {

    @Test
    void kafkaExceptionsMapToStatusAndConfluentStyleCodes() {
        assertMapped(new UnknownTopicOrPartitionException("gone"), 404, 40401, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertMapped(new TopicExistsException("twice"), 409, 40901, Errors.TOPIC_ALREADY_EXISTS);
        assertMapped(new GroupIdNotFoundException("who"), 404, 40406, Errors.GROUP_ID_NOT_FOUND);
        assertMapped(new CoordinatorNotAvailableException("moving"), 503, 50301, Errors.COORDINATOR_NOT_AVAILABLE);
        assertMapped(new RecordTooLargeException("big"), 413, 41301, Errors.MESSAGE_TOO_LARGE);
        assertMapped(new OffsetOutOfRangeException("far"), 416, 41601, Errors.OFFSET_OUT_OF_RANGE);
        assertMapped(new InvalidConfigurationException("bad"), 400, 40002, Errors.INVALID_CONFIG);
        assertMapped(new InvalidPartitionsException("bad"), 400, 40002, Errors.INVALID_PARTITIONS);
        assertMapped(new InvalidReplicationFactorException("bad"), 400, 40002, Errors.INVALID_REPLICATION_FACTOR);
        assertMapped(new NotEnoughReplicasException("isr"), 503, 50301, Errors.NOT_ENOUGH_REPLICAS);
        assertMapped(new TimeoutException("etcd"), 503, 50301, Errors.REQUEST_TIMED_OUT);
        assertMapped(new NotLeaderOrFollowerException("moved"), 503, 50301, Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        HttpApiException mapped = ErrorMapper.toHttp(new CompletionException(
                new ExecutionException(new TopicExistsException("topic 't' already exists"))));
        assertThat(mapped.status()).isEqualTo(409);
        assertThat(mapped.getMessage()).isEqualTo("topic 't' already exists");
        HttpApiException own = HttpApiException.topicNotFound("t");
        assertThat(ErrorMapper.toHttp(new CompletionException(own))).isSameAs(own);
    }

    @Test
    void unexpectedExceptionsAre500WithoutTheirInternalMessage() {
        HttpApiException mapped = ErrorMapper.toHttp(new IllegalStateException("secret internal detail"));
        assertThat(mapped.status()).isEqualTo(500);
        assertThat(mapped.errorCode()).isEqualTo(50001);
        assertThat(mapped.kafkaError()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(mapped.getMessage()).doesNotContain("secret");
    }

    @Test
    void malformedJsonAndRoutingErrorsAreClientErrors() {
        assertThat(ErrorMapper.toHttp(new JsonParseException(null, "Unexpected character")).status()).isEqualTo(400);
        HttpApiException notFound = ErrorMapper.toHttp(new NotFoundResponse());
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.errorCode()).isEqualTo(HttpApiException.ROUTE_NOT_FOUND);
        assertThat(notFound.kafkaError()).isNull();
        assertThat(notFound.toResponse().kafkaErrorCode()).isNull();
        assertThat(ErrorMapper.toHttp(new MethodNotAllowedResponse()).status()).isEqualTo(405);
    }

    private static void assertMapped(Exception e, int status, int errorCode, Errors kafkaError) {
        HttpApiException mapped = ErrorMapper.toHttp(e);
        assertThat(mapped.status()).as(e.getClass().getSimpleName()).isEqualTo(status);
        assertThat(mapped.errorCode()).as(e.getClass().getSimpleName()).isEqualTo(errorCode);
        assertThat(mapped.kafkaError()).isEqualTo(kafkaError);
        ErrorResponse body = mapped.toResponse();
        assertThat(body.kafkaErrorCode()).isEqualTo((int) kafkaError.code());
        assertThat(body.kafkaError()).isEqualTo(kafkaError.name());
        assertThat(body.message()).isEqualTo(e.getMessage());
    }
}
