package io.sluice.loadtests.workload;

import java.util.List;

/**
 * How a run reaches the broker: the Kafka protocol or Sluice's HTTP API. The runner asks a transport for
 * the topic's partitions and for one task per producer and consumer, and runs each task on its own thread.
 */
public interface Transport extends AutoCloseable {
    /** @return a short name for reports: {@code kafka} or {@code http} */
    String name();

    /**
     * Makes sure the topic exists, creating it with the configured partitions and replication factor if it
     * is missing and the transport can (Kafka {@code CreateTopics}).
     *
     * @return the topic's partition count
     * @throws Exception if the broker cannot be reached or refuses; the run does not start
     */
    int preparePartitions() throws Exception;

    /**
     * @param index producer number, from 0
     * @param context the run's shared state
     * @return a task that sends until {@link RunContext#produceBudget()} is used up and returns once every
     *     record it sent is acknowledged or failed
     */
    ProduceTask newProducer(int index, RunContext context);

    /**
     * @param index consumer number, from 0
     * @param partitions the partition ids this consumer reads, non-empty
     * @param context the run's shared state
     * @return a task that reads until {@link RunContext#consumersStopped()}
     */
    ConsumeTask newConsumer(int index, List<Integer> partitions, RunContext context);

    /** Releases shared clients (Admin, HTTP client). Tasks close their own clients. */
    @Override
    void close();

    /** One producer's work, run on its own thread. */
    interface ProduceTask {
        /** Sends records until the budget is used up; counts failures in the metrics rather than throwing. */
        void run();
    }

    /**
     * One consumer's work, run on its own thread: {@link #prepare()}, then {@link #run()} if that succeeded,
     * then always {@link #close()}.
     */
    interface ConsumeTask extends AutoCloseable {
        /**
         * Positions the consumer at its start offsets, so that records produced after this returns are seen.
         *
         * @throws Exception if the start offsets cannot be found; the task is then not run
         */
        void prepare() throws Exception;

        /** Reads until the run's consumers are stopped; counts failures in the metrics rather than throwing. */
        void run();

        /** Releases the task's client. */
        @Override
        void close();
    }
}
