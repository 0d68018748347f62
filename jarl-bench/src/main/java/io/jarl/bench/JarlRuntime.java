package io.jarl.bench;

import static io.jarl.Jarl.makeRef;
import static io.jarl.Jarl.receive;
import static io.jarl.Jarl.self;
import static io.jarl.Jarl.send;
import static io.jarl.Jarl.skip;
import static io.jarl.Jarl.spawn;

import io.jarl.Down;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.Spawned;
import io.jarl.registry.RegisterResult;
import io.jarl.registry.Registry;
import io.jarl.registry.RegistryOptions;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.supervisor.Supervisor;
import io.jarl.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The scenarios written as a Jarl user would write them: processes that loop over {@code receive},
 * records as messages, and request-reply with a fresh reference and the ref-since receive;
 * {@code genserver_call}, {@code registry_lookup} and {@code task_async_await} through Jarl's own
 * {@link GenServer}, {@link Registry} and {@link Task}. Timing is done inside a driver process started
 * with {@link Jarl#run}.
 */
final class JarlRuntime implements JvmRuntime {

    // Messages. Field-less ones are singletons, like atoms.
    record Ready() {}
    record Stop() {}
    record Ping(Pid from) {}
    record Pong() {}
    record Next(Pid next, Pid driver) {}
    record Token(int hopsLeft) {}
    record Done() {}
    record Go(long deadlineNanos) {}
    record Count(long calls) {}
    record Call(Ref ref, Pid from, Object request) {}
    record Reply(Ref ref, Object value) {}
    record Sum(long value) {}
    record Junk(int n) {}

    static final Ready READY = new Ready();
    static final Stop STOP = new Stop();
    static final Pong PONG = new Pong();
    static final Done DONE = new Done();

    /** {@code runs} timed runs of {@code run}, in order (the caller has warmed up). */
    static double[] repeat(int runs, DoubleSupplier run) {
        double[] out = new double[runs];
        for (int r = 0; r < runs; r++) {
            out[r] = run.getAsDouble();
        }
        return out;
    }

    /** Generous: a call that takes this long means the benchmark is broken. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    // ---------------------------------------------------------------- spawn_1m and idle_bytes

    @Override
    public Idle spawnIdle(int n) {
        return idle(n, me -> spawn(() -> {
            send(me, READY);
            receive(Stop.class);
        }));
    }

    /**
     * One spawn_1m run: {@code spawnReady} starts a process that sends {@link #READY} to the pid it
     * is given and waits until it gets {@link #STOP}; {@code n} of them are timed until all are ready
     * and weighed idle, then stopped.
     */
    static Idle idle(int n, Function<Pid, Pid> spawnReady) {
        return Jarl.run(() -> {
            Pid me = self();
            Pid[] pids = new Pid[n];
            int before = Jarl.processCount();
            long heapBefore = Stats.usedHeapAfterGc();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pids[i] = spawnReady.apply(me);
            }
            for (int i = 0; i < n; i++) {
                receive(Ready.class);
            }
            long t1 = System.nanoTime();
            long heapAfter = Stats.usedHeapAfterGc();
            for (Pid p : pids) {
                send(p, STOP);
            }
            while (Jarl.processCount() > before) {
                Jarl.sleep(Duration.ofMillis(5));
            }
            return new Idle((t1 - t0) / 1e6, (heapAfter - heapBefore) / (double) n);
        });
    }

    // ---------------------------------------------------------------- pingpong

    @Override
    public double[] pingPong(int warm, int n, int runs) {
        Pid ponger = spawnPonger();
        try {
            return Jarl.run(() -> {
                pingPongRun(ponger, warm);
                return repeat(runs, () -> pingPongRun(ponger, n));
            });
        } finally {
            send(ponger, STOP);
        }
    }

    /** A process that answers every {@link Ping} with {@link #PONG} until it receives {@link #STOP}. */
    private static Pid spawnPonger() {
        return spawn(() -> {
            for (;;) {
                switch (receive()) {
                    case Ping(Pid from) -> send(from, PONG);
                    case Stop _ -> {
                        return;
                    }
                    default -> {}
                }
            }
        });
    }

    private static double pingPongRun(Pid ponger, int n) {
        Pid me = self();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            send(ponger, new Ping(me));
            receive(Pong.class);
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    // ---------------------------------------------------------------- ring

    @Override
    public double[] ring(int size, int warmHops, int hops, int runs) {
        return ring(size, warmHops, hops, runs, () -> spawn(JarlRuntime::ringNode));
    }

    /**
     * The ring runs: {@code spawnNode} starts a node that takes a {@link Next}, then passes each
     * {@link Token} on (or tells the driver at zero), and ends at {@link #STOP}.
     */
    static double[] ring(int size, int warmHops, int hops, int runs, Supplier<Pid> spawnNode) {
        return Jarl.run(() -> {
            Pid me = self();
            Pid[] nodes = new Pid[size];
            for (int i = 0; i < size; i++) {
                nodes[i] = spawnNode.get();
            }
            for (int i = 0; i < size; i++) {
                send(nodes[i], new Next(nodes[(i + 1) % size], me));
            }
            ringRun(nodes[0], warmHops);
            double[] out = repeat(runs, () -> ringRun(nodes[0], hops));
            for (Pid p : nodes) {
                send(p, STOP);
            }
            return out;
        });
    }

    private static void ringNode() {
        Next ring = receive(Next.class);
        for (;;) {
            switch (receive()) {
                case Token(int left) when left == 0 -> send(ring.driver(), DONE);
                case Token(int left) -> send(ring.next(), new Token(left - 1));
                case Stop _ -> {
                    return;
                }
                default -> {}
            }
        }
    }

    private static double ringRun(Pid first, int hops) {
        long t0 = System.nanoTime();
        send(first, new Token(hops));
        receive(Done.class);
        return (System.nanoTime() - t0) / (double) hops;
    }

    // ---------------------------------------------------------------- call_fanin

    /** A server that answers every call with its request (a gen_server's handle_call, by hand). */
    private static Pid startEchoServer() {
        return spawn(() -> {
            for (;;) {
                switch (receive()) {
                    case Call(Ref ref, Pid from, Object request) -> send(from, new Reply(ref, request));
                    case Stop _ -> {
                        return;
                    }
                    default -> {}
                }
            }
        });
    }

    /** Request-reply: a fresh reference, then a receive of the reply tagged with it, since the reference. */
    static Object call(Pid server, Object request) {
        Ref ref = makeRef();
        send(server, new Call(ref, self(), request));
        return receive(ref, m -> m instanceof Reply r && r.ref() == ref ? r.value() : skip(), CALL_TIMEOUT)
                .orElseThrow(() -> new IllegalStateException("no reply from " + server + " in " + CALL_TIMEOUT));
    }

    @Override
    public double[] callFanin(int clients, int warmMillis, int millis, int runs) {
        Pid server = startEchoServer();
        try {
            return Jarl.run(() -> {
                faninRun(server, clients, warmMillis);
                return repeat(runs, () -> faninRun(server, clients, millis));
            });
        } finally {
            send(server, STOP);
        }
    }

    private static double faninRun(Pid server, int clients, int millis) {
        return callRun(clients, millis, calls -> call(server, calls));
    }

    /**
     * Starts {@code clients} processes that each do {@code call} (with their number of calls so far
     * as the request) until {@code millis} ms have passed; returns the calls per second of them all.
     */
    static double callRun(int clients, int millis, LongConsumer call) {
        Pid me = self();
        Pid[] cs = new Pid[clients];
        for (int i = 0; i < clients; i++) {
            cs[i] = spawn(() -> {
                long deadline = receive(Go.class).deadlineNanos();
                long calls = 0;
                while (System.nanoTime() - deadline < 0) {
                    call.accept(calls);
                    calls++;
                }
                send(me, new Count(calls));
            });
        }
        return countCalls(cs, millis);
    }

    /**
     * Sends {@code clients} (waiting for it) a {@link Go} with a deadline {@code millis} ms from now,
     * then sums the {@link Count}s they send back: calls per second of them all.
     */
    static double countCalls(Pid[] clients, int millis) {
        long t0 = System.nanoTime();
        Go go = new Go(t0 + millis * 1_000_000L);
        for (Pid c : clients) {
            send(c, go);
        }
        long total = 0;
        for (int i = 0; i < clients.length; i++) {
            total += receive(Count.class).calls();
        }
        return total * 1e9 / (System.nanoTime() - t0);
    }

    // ---------------------------------------------------------------- genserver_call

    /** A real {@link GenServer} that answers every call with its request; the state is not used. */
    static final class EchoServer implements GenServer<String, Object, Object> {
        @Override
        public Init<String> init() {
            return Init.ok("echo");
        }

        @Override
        public CallResult<String> handleCall(Object request, From from, String state) {
            return CallResult.reply(request, state);
        }
    }

    /** As a user calls a server: {@code GenServer.call(pid, request)} with the default 5 s timeout. */
    @Override
    public double[] genServerCall(int clients, int warmMillis, int millis, int runs) {
        return Jarl.run(() -> {
            Pid server = GenServer.start(new EchoServer()).orElseThrow();
            try {
                callRun(clients, warmMillis, calls -> GenServer.call(server, calls));
                double[] out = new double[runs];
                for (int r = 0; r < runs; r++) {
                    out[r] = callRun(clients, millis, calls -> GenServer.call(server, calls));
                }
                return out;
            } finally {
                GenServer.stop(server);
            }
        });
    }

    // ---------------------------------------------------------------- skynet

    @Override
    public double[] skynet(int warmLeaves, int leaves, int runs) {
        return Jarl.run(() -> {
            skynetRun(warmLeaves);
            return repeat(runs, () -> skynetRun(leaves));
        });
    }

    private static double skynetRun(long leaves) {
        return timedSkynet("skynet", leaves, me -> spawn(() -> skynet(me, 0, leaves)));
    }

    /**
     * Milliseconds for one skynet tree of {@code leaves} leaves, whose root {@code start} spawns
     * (given the caller, to whom the root sends the sum); the sum is checked.
     */
    static double timedSkynet(String line, long leaves, Consumer<Pid> start) {
        Pid me = self();
        long t0 = System.nanoTime();
        start.accept(me);
        long sum = receive(Sum.class).value();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (sum != leaves * (leaves - 1) / 2) {
            throw new IllegalStateException(line + "(" + leaves + ") = " + sum);
        }
        return ms;
    }

    private static void skynet(Pid parent, long num, long size) {
        if (size == 1) {
            send(parent, new Sum(num));
            return;
        }
        Pid me = self();
        long sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long childNum = num + i * sub;
            spawn(() -> skynet(me, childNum, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += receive(Sum.class).value();
        }
        send(parent, new Sum(sum));
    }

    // ---------------------------------------------------------------- selective_receive

    @Override
    public long[][] selectiveReceive(int junk, int warmRounds, int rounds) {
        Pid server = startEchoServer();
        try {
            return Jarl.run(() -> {
                for (int r = 0; r < warmRounds; r++) {
                    selectiveRound(server, junk);
                }
                long[][] out = new long[rounds][];
                for (int r = 0; r < rounds; r++) {
                    out[r] = selectiveRound(server, junk);
                }
                return out;
            });
        } finally {
            send(server, STOP);
        }
    }

    /** One call with an empty mailbox, then one with {@code junk} unrelated messages queued; then drains them. */
    private static long[] selectiveRound(Pid server, int junk) {
        long empty = timedCall(server);
        Pid me = self();
        for (int i = 0; i < junk; i++) {
            send(me, new Junk(i));
        }
        long loaded = timedCall(server);
        int drained = Jarl.flush().size();
        if (drained != junk) {
            throw new IllegalStateException("expected " + junk + " queued messages, found " + drained);
        }
        return new long[] {empty, loaded};
    }

    private static long timedCall(Pid server) {
        long t0 = System.nanoTime();
        call(server, "req");
        return System.nanoTime() - t0;
    }

    // ---------------------------------------------------------------- registry_lookup

    /** The registry of registry_lookup; stopped at the end of the scenario. */
    static final String REGISTRY = "jarl-bench-registry";

    /** Lookups between two looks at the clock (the BEAM side does the same). */
    static final int LOOKUP_BATCH = 256;

    /**
     * A unique {@link Registry} with one partition (Elixir's default), {@code keys} processes that each
     * register one key (the key as its value) and wait, and {@code readers} processes that read it
     * with {@link Registry#lookup} from the table, as Elixir's {@code Registry.lookup/2} reads ETS.
     *
     * <p>A Jarl process is not preempted: on a machine with fewer cores than readers, the first
     * readers to run loop until the deadline and the others start after it. The rate is the same
     * (every core reads all the time), but not every reader gets a share of it, as on the BEAM.
     */
    @Override
    public double[] registryLookup(int keys, int readers, int warmMillis, int millis, int runs) {
        return Jarl.run(() -> {
            Pid registry = Registry.startLink(RegistryOptions.unique(REGISTRY)).orElseThrow();
            Registry<Integer, Integer> names = Registry.named(REGISTRY);
            Pid me = self();
            Integer[] boxed = new Integer[keys]; // the readers' keys, boxed once: lookups, not allocation, are timed
            Spawned[] owners = new Spawned[keys];
            for (int k = 0; k < keys; k++) {
                Integer key = k;
                boxed[k] = key;
                owners[k] = Jarl.spawnMonitor(() -> {
                    if (!(names.register(key, key) instanceof RegisterResult.Ok)) {
                        throw new IllegalStateException("key " + key + " is taken in " + names);
                    }
                    send(me, READY);
                    receive(Stop.class);
                });
            }
            try {
                for (int k = 0; k < keys; k++) {
                    receive(Ready.class, CALL_TIMEOUT).orElseThrow(() -> new IllegalStateException(
                            "an owner did not register in " + CALL_TIMEOUT));
                }
                lookupRun(names, boxed, readers, warmMillis);
                double[] out = new double[runs];
                for (int r = 0; r < runs; r++) {
                    out[r] = lookupRun(names, boxed, readers, millis);
                }
                return out;
            } finally {
                for (Spawned owner : owners) {
                    send(owner.pid(), STOP);
                }
                for (Spawned owner : owners) {
                    awaitDown(owner);
                }
                Supervisor.stop(registry);
            }
        });
    }

    /** One timed run: the lookups per second of all readers; returns once the readers have ended. */
    private static double lookupRun(Registry<Integer, Integer> names, Integer[] keys, int readers, int millis) {
        Pid me = self();
        Spawned[] rs = new Spawned[readers];
        for (int r = 0; r < readers; r++) {
            long seed = r + 1;
            rs[r] = Jarl.spawnMonitor(() -> {
                long deadline = receive(Go.class).deadlineNanos();
                send(me, new Count(lookups(names, keys, seed, deadline)));
            });
        }
        long t0 = System.nanoTime();
        Go go = new Go(t0 + millis * 1_000_000L);
        for (Spawned r : rs) {
            send(r.pid(), go);
        }
        long total = 0;
        for (int i = 0; i < readers; i++) {
            total += receive(Count.class).calls();
        }
        double rate = total * 1e9 / (System.nanoTime() - t0);
        for (Spawned r : rs) {
            awaitDown(r);
        }
        return rate;
    }

    /** A reader: looks up keys in the generator's order until {@code deadline}; returns how many. */
    private static long lookups(Registry<Integer, Integer> names, Integer[] keys, long seed, long deadline) {
        long x = seed;
        long n = 0;
        while (System.nanoTime() - deadline < 0) {
            for (int i = 0; i < LOOKUP_BATCH; i++) {
                x = x * 48271 % 2147483647;
                int k = (int) (x % keys.length);
                List<Registry.Entry<Integer>> found = names.lookup(keys[k]);
                if (found.size() != 1 || found.getFirst().value() != k) {
                    throw new IllegalStateException("lookup(" + k + ") = " + found);
                }
            }
            n += LOOKUP_BATCH;
        }
        return n;
    }

    private static void awaitDown(Spawned process) {
        Ref ref = process.monitor();
        receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : skip(), CALL_TIMEOUT)
                .orElseThrow(() -> new IllegalStateException(process.pid() + " did not end in " + CALL_TIMEOUT));
    }

    // ---------------------------------------------------------------- task_async_await

    /** {@link Task#async} and {@link Task#await} (5 s timeout), {@code batch} tasks at a time. */
    @Override
    public double[] taskAsyncAwait(int warmTasks, int tasks, int batch, int runs) {
        return Jarl.run(() -> {
            taskRun(warmTasks, batch);
            double[] out = new double[runs];
            for (int r = 0; r < runs; r++) {
                out[r] = taskRun(tasks, batch);
            }
            return out;
        });
    }

    private static double taskRun(int n, int batch) {
        int before = Jarl.processCount();
        @SuppressWarnings("unchecked")
        Task<Long>[] started = new Task[batch];
        long sum = 0;
        long t0 = System.nanoTime();
        for (int first = 0; first < n; first += batch) {
            int size = Math.min(batch, n - first);
            for (int i = 0; i < size; i++) {
                long index = first + i;
                started[i] = Task.async(() -> 2 * index);
            }
            for (int i = 0; i < size; i++) {
                sum += Task.await(started[i]);
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (sum != (long) n * (n - 1)) {
            throw new IllegalStateException("task_async_await(" + n + ") summed to " + sum);
        }
        // A task has replied but may not have ended yet: wait (untimed) until all have.
        awaitProcessCount(before);
        return ms;
    }

    /** Waits until no more than {@code count} processes are alive, polling; fails after a minute. */
    private static void awaitProcessCount(int count) {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (Jarl.processCount() > count) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(Jarl.processCount() + " processes still alive, expected " + count);
            }
            Jarl.sleep(Duration.ofMillis(1));
        }
    }

    // ---------------------------------------------------------------- fairness

    private static final String HOG_STARTED = "hog started";

    /** Where the hogs' computations go, so that the JIT cannot drop them. */
    static volatile long blackhole;

    @Override
    public double[][] fairness(int hogs, int millis, int runs) {
        double[] plain = new double[runs], dirty = new double[runs];
        for (int r = 0; r < runs; r++) {
            plain[r] = fairnessRun(hogs, millis, SpawnOptions.defaults());
            dirty[r] = fairnessRun(hogs, millis, SpawnOptions.defaults().dirty());
        }
        return new double[][] {plain, dirty};
    }

    /**
     * The worst round trip (ms) of a ping a millisecond while {@code hogs} processes compute; pings
     * start once every hog has said it started, and if they do not all start within the run, the
     * run's result is how long the pinger waited for them.
     */
    private static double fairnessRun(int hogs, int millis, SpawnOptions hogOptions) {
        return Jarl.run(() -> {
            Pid echo = spawnPonger();
            long start = System.nanoTime(), end = start + millis * 1_000_000L;
            Pid me = self();
            Ref[] hogDowns = new Ref[hogs];
            for (int i = 0; i < hogs; i++) {
                hogDowns[i] = Jarl.spawnMonitor(hogOptions, () -> {
                    send(me, HOG_STARTED);
                    long x = 1;
                    while (System.nanoTime() < end) { // no runtime call: nothing can make it yield
                        for (int k = 0; k < 1_000; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                    }
                    blackhole = x;
                }).monitor();
            }
            // Ping once every hog computes; hogs that cannot start are starved too: the wait counts.
            long worst = 0;
            for (int i = 0; i < hogs; i++) {
                if (receive(m -> m == HOG_STARTED ? m : skip(), Duration.ofNanos(Math.max(1, end - System.nanoTime())))
                        .isEmpty()) {
                    worst = System.nanoTime() - start;
                    break;
                }
            }
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                send(echo, new Ping(me));
                receive(Pong.class);
                worst = Math.max(worst, System.nanoTime() - t0);
                Jarl.sleep(Duration.ofMillis(1));
            }
            send(echo, STOP);
            for (Ref ref : hogDowns) {
                receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : skip());
            }
            return worst / 1e6;
        });
    }
}
