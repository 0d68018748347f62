package io.jarl;

import java.util.List;

/**
 * A snapshot of the node's scheduler ({@link Jarl#schedulerInfo()}): the BEAM's
 * {@code scheduler_wall_time}, run queue lengths and dirty-scheduler counts, for Jarl's workers.
 *
 * @param kind             {@code "jarl"}: Jarl's own workers run the processes; {@code "jdk"}: the
 *                         JDK's default virtual-thread scheduler does (nothing else is reported)
 * @param schedulers       how many workers run processes when none is blocked ({@code -Djarl.schedulers})
 * @param blockedWorkers   workers held by a process that blocked (or computed) for about 5 ms or
 *                         more while other work waited; each has a stand-in
 * @param globalQueueLength processes made runnable by threads that are not workers, not yet taken
 * @param replacements     stand-in workers started or revived for blocked ones, since the node started
 * @param runners          virtual threads that run {@linkplain Handler handler processes} now: one per
 *                         handler waiting inside its handler, plus idle ones kept for the next
 * @param workers          every worker thread so far, stand-ins and retired ones included
 */
public record SchedulerInfo(String kind, int schedulers, int blockedWorkers, int globalQueueLength,
                            long replacements, int runners, List<Worker> workers) {

    public SchedulerInfo {
        workers = List.copyOf(workers);
    }

    /** What a worker is doing. */
    public enum WorkerState {
        /** Running a process. */
        RUNNING,
        /** Looking for work in the other workers' queues. */
        SEARCHING,
        /** Parked: there was no work. */
        IDLE,
        /** Held by a process that blocked; a stand-in runs the rest. */
        BLOCKED,
        /** A stand-in no longer needed, kept parked for the next blocked worker. */
        RETIRED
    }

    /**
     * One worker.
     *
     * @param id             its number, from 0
     * @param state          what it is doing now
     * @param runQueueLength processes waiting in its queue and run-next slot
     * @param tasksRun       times it picked work (a process run until it waited)
     * @param steals         times it took work from another worker
     * @param busyNanos      time it was not parked, since it started
     * @param aliveNanos     time since it started
     */
    public record Worker(int id, WorkerState state, int runQueueLength, long tasksRun, long steals, long busyNanos,
                         long aliveNanos) {
        /** The share of its life it was not parked (the BEAM's scheduler utilisation), 0 to 1. */
        public double utilisation() {
            return aliveNanos == 0 ? 0 : Math.min(1.0, (double) busyNanos / aliveNanos);
        }
    }
}
