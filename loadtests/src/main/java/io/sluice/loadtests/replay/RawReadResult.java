package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.LatencySummary;
import io.sluice.loadtests.report.Units;

/**
 * What reading a topic's {@code .log} objects straight from the store gave.
 *
 * @param objects objects read
 * @param bytes bytes received, all objects together (equal to their listed sizes)
 * @param gets ranged GETs made
 * @param seconds from the first GET sent to the last one completed
 * @param getLatency each GET's time from request to its last byte, or {@code null} if none was made
 */
public record RawReadResult(int objects, long bytes, long gets, double seconds, LatencySummary getLatency) {

    /** @return {@code bytes / 2^20 / seconds}, 0 when no time passed */
    public double megabytesPerSecond() {
        return seconds <= 0 ? 0.0 : bytes / Units.BYTES_PER_MB / seconds;
    }
}
