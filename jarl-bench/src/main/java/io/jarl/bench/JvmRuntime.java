package io.jarl.bench;

/**
 * One actor runtime on the JVM. {@link BenchChild} drives every implementation the same way (the
 * same sizes, warm-up and number of runs); each method does one scenario's work and returns raw
 * numbers, and the driver takes medians.
 */
interface JvmRuntime extends AutoCloseable {

    /** Time to spawn {@code n} processes and see all of them reach receive, and heap bytes per process. */
    record Idle(double millis, double bytesPerProcess) {}

    /** One run: spawns {@code n} idle processes, measures, stops them all. */
    Idle spawnIdle(int n) throws Exception;

    /** Nanoseconds per round trip: a warm-up of {@code warm} round trips, then {@code runs} runs of {@code n}. */
    double[] pingPong(int warm, int n, int runs) throws Exception;

    /** Nanoseconds per hop in a ring of {@code size} processes: one warm-up run, then {@code runs} runs. */
    double[] ring(int size, int warmHops, int hops, int runs) throws Exception;

    /** Calls per second of {@code clients} clients calling one server for {@code millis} ms, per run. */
    double[] callFanin(int clients, int warmMillis, int millis, int runs) throws Exception;

    /**
     * Calls per second of {@code clients} clients calling one server for {@code millis} ms, per run,
     * through the runtime's own call API: Jarl's {@code GenServer.call}, Pekko's ask, OTP's
     * {@code gen_server:call}.
     */
    double[] genServerCall(int clients, int warmMillis, int millis, int runs) throws Exception;

    /** Milliseconds for the skynet tree with {@code leaves} leaves, per run. */
    double[] skynet(int warmLeaves, int leaves, int runs) throws Exception;

    /**
     * Request-reply latency in ns, per round: {@code [round][0]} with the caller's mailbox empty,
     * {@code [round][1]} with {@code junk} unrelated messages queued in it.
     */
    long[][] selectiveReceive(int junk, int warmRounds, int rounds) throws Exception;

    /**
     * Lookups per second, per run, of {@code readers} processes that each look up existing keys of one
     * registry of {@code keys} keys (unique, each registered by a process of its own, with its key as
     * its value) for {@code millis} ms: key {@code x mod keys} for the successive values {@code x} of
     * the Park-Miller generator ({@code x = x * 48271 mod (2^31 - 1)}, seeded with the reader's number,
     * 1 to {@code readers}), checking every answer. One untimed run of {@code warmMillis} first.
     *
     * @throws UnsupportedOperationException if the runtime has nothing comparable
     *         ({@link BenchChild#notApplicable(String, Scenario)})
     */
    double[] registryLookup(int keys, int readers, int warmMillis, int millis, int runs) throws Exception;

    /**
     * Milliseconds, per run, to start {@code tasks} tasks and await their results, {@code batch} at a
     * time: start {@code batch} tasks (Elixir's {@code Task.async}), then await them in the order
     * started. Task {@code i} (0-based, over the whole run) returns {@code 2 * i}; the sum is checked.
     * One untimed run of {@code warmTasks} first.
     */
    double[] taskAsyncAwait(int warmTasks, int tasks, int batch, int runs) throws Exception;

    /**
     * {@code fairness}: {@code hogs} processes compute without a runtime call for {@code millis}
     * while a pinger sends an echo process one ping per millisecond; the worst round trip of each
     * run, in ms. Two series: ordinary processes, then (where the runtime has them) dirty ones.
     */
    double[][] fairness(int hogs, int millis, int runs) throws Exception;

    /** Releases what the runtime holds between scenarios (nothing, for the runtimes here). */
    @Override
    default void close() {}
}
