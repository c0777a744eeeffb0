package io.sluice.metadata.controller;

import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.requests.ApiError;

import java.util.Objects;
import java.util.Optional;

/**
 * The decision for one partition of an ElectLeaders request: the state to write, or the Kafka error to answer.
 *
 * @param next  the state to write; empty when {@code error} is a failure
 * @param error {@link ApiError#NONE} when {@code next} is present, else why no election happens
 *              (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE)
 */
public record ElectionResult(Optional<PartitionState> next, ApiError error) {

    public ElectionResult {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(error, "error");
        if (next.isPresent() == error.isFailure()) {
            throw new IllegalArgumentException("exactly one of a next state and an error: " + next + ", " + error);
        }
    }

    /** An election that writes {@code next}. */
    public static ElectionResult elected(PartitionState next) {
        return new ElectionResult(Optional.of(next), ApiError.NONE);
    }

    /** No election, for the reason {@code error}. */
    public static ElectionResult failed(ApiError error) {
        return new ElectionResult(Optional.empty(), error);
    }
}
