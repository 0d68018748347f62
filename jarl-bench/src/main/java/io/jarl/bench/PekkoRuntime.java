package io.jarl.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.japi.function.Function;

/**
 * The scenarios in Apache Pekko typed, written the way its documentation shows: one protocol
 * (a sealed interface of records) per actor, {@link AbstractBehavior} for actors with mutable state,
 * {@link Behaviors#receive} for the simple ones, the request-response pattern between actors
 * (the request carries {@code replyTo}), {@link AskPattern} from outside the actor system, and a
 * {@link StashBuffer} where Jarl would leave messages in the mailbox. Each scenario runs in its own
 * {@link ActorSystem}, whose guardian is the scenario's driver and does the timing.
 *
 * <p>{@code registry_lookup} is not applicable: Pekko has no registry that a process reads
 * synchronously (see {@link #REGISTRY_NOT_APPLICABLE}). {@code task_async_await} spawns one child actor
 * per task (see {@link TaskOwner}).
 */
final class PekkoRuntime implements JvmRuntime {

    /**
     * {@code pekko_tuned}: the default dispatcher as a fork-join pool of exactly 2 threads, one per core
     * (the stock pool has parallelism-min = 8), running up to 100 messages of an actor before it gives
     * the thread back (stock: throughput = 5), taking its own queued tasks newest first (LIFO; stock:
     * FIFO).
     *
     * <p>Chosen as the fastest overall of what was tried on a 2-core machine with JDK 25.0.3 (full
     * sizes, pingpong, ring, call_fanin, skynet, selective_receive): fork-join with 2 threads and
     * throughput 5 or 100 (100 wins on ring, call_fanin_100 and selective_receive, ties elsewhere); a
     * fixed thread pool of 2 (2-3x slower on pingpong and ring); Pekko's virtual-thread executor
     * (slowest everywhere); SingleConsumerOnlyUnboundedMailbox on top (no clear gain). LIFO because
     * with FIFO, the 2-thread pool hung in call_fanin in 2 of 6 runs (a pool thread spins at 100% in
     * ForkJoinPool.WorkQueue.nextLocalTask, waiting for a base index that never moves, and the other
     * thread sleeps), and also once with throughput 1000; with LIFO it did not hang in 6 runs and is
     * as fast. The affinity-pool-executor with 2 threads was rejected too: the ring's token got lost
     * (both workers idle, no answer). Override for experiments with
     * {@code -Djarl.bench.pekkoTuned=<HOCON>}.
     */
    static final String TUNED_DISPATCHER = """
            pekko.actor.default-dispatcher {
              executor = "fork-join-executor"
              fork-join-executor {
                parallelism-min = 2, parallelism-factor = 1.0, parallelism-max = 2
                task-peeking-mode = "LIFO"
              }
              throughput = 100
            }
            """;

    /** Quiet logging through SLF4J (to stderr), so the only stdout lines are results. */
    private static final String QUIET = """
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            pekko.loglevel = WARNING
            pekko.stdout-loglevel = OFF
            pekko.log-dead-letters = off
            pekko.log-dead-letters-during-shutdown = off
            """;

    private static final Duration ASK_TIMEOUT = Duration.ofMinutes(5);

    private final Config config;

    PekkoRuntime(boolean tuned) {
        String dispatcher = tuned ? System.getProperty("jarl.bench.pekkoTuned", TUNED_DISPATCHER) : "";
        this.config = ConfigFactory.parseString(QUIET + dispatcher).withFallback(ConfigFactory.load()).resolve();
    }

    static String tunedDescription() {
        return System.getProperty("jarl.bench.pekkoTuned", TUNED_DISPATCHER).replaceAll("\\s+", " ").strip();
    }

    private <T> ActorSystem<T> system(String name, Behavior<T> guardian) {
        return ActorSystem.create(guardian, name, config);
    }

    private static <Req, Res> Res ask(ActorSystem<Req> system, Function<ActorRef<Res>, Req> request)
            throws Exception {
        return AskPattern.ask(system, request, ASK_TIMEOUT, system.scheduler())
                .toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void stop(ActorSystem<?> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    // ---------------------------------------------------------------- spawn_1m and idle_bytes

    sealed interface SpawnerMsg {}
    record Sync(ActorRef<Boolean> replyTo) implements SpawnerMsg {}
    record SpawnIdle(int n, ActorRef<Long> replyTo) implements SpawnerMsg {}
    enum Ready implements SpawnerMsg { READY }
    enum Stop { STOP }

    /** Spawns {@code n} children and answers with the nanoseconds until all have said they are ready. */
    static final class Spawner extends AbstractBehavior<SpawnerMsg> {
        private long t0;
        private int waiting;
        private ActorRef<Long> replyTo;

        Spawner(ActorContext<SpawnerMsg> context) {
            super(context);
        }

        @Override
        public Receive<SpawnerMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Sync.class, s -> {
                        s.replyTo().tell(true);
                        return this;
                    })
                    .onMessage(SpawnIdle.class, s -> {
                        t0 = System.nanoTime();
                        waiting = s.n();
                        replyTo = s.replyTo();
                        ActorRef<SpawnerMsg> me = getContext().getSelf();
                        for (int i = 0; i < s.n(); i++) {
                            getContext().spawnAnonymous(idle(me));
                        }
                        return this;
                    })
                    .onMessage(Ready.class, r -> {
                        if (--waiting == 0) {
                            replyTo.tell(System.nanoTime() - t0);
                        }
                        return this;
                    })
                    .build();
        }
    }

    /** An actor that says it is ready once started, then waits for Stop. */
    static Behavior<Stop> idle(ActorRef<SpawnerMsg> parent) {
        return Behaviors.setup(ctx -> {
            parent.tell(Ready.READY);
            return Behaviors.receiveMessage(stop -> Behaviors.stopped());
        });
    }

    @Override
    public Idle spawnIdle(int n) throws Exception {
        ActorSystem<SpawnerMsg> system = system("spawn", Behaviors.setup(Spawner::new));
        try {
            PekkoRuntime.<SpawnerMsg, Boolean>ask(system, Sync::new); // the system and guardian are up
            long heapBefore = Stats.usedHeapAfterGc();
            long nanos = PekkoRuntime.<SpawnerMsg, Long>ask(system, r -> new SpawnIdle(n, r));
            long heapAfter = Stats.usedHeapAfterGc();
            return new Idle(nanos / 1e6, (heapAfter - heapBefore) / (double) n);
        } finally {
            stop(system); // stops every actor
        }
    }

    // ---------------------------------------------------------------- pingpong

    record Ping(ActorRef<Pong> replyTo) {}
    sealed interface PingerMsg {}
    record RunPingPong(int n, ActorRef<Double> replyTo) implements PingerMsg {}
    enum Pong implements PingerMsg { PONG }

    static Behavior<Ping> ponger() {
        return Behaviors.receive(Ping.class)
                .onMessage(Ping.class, ping -> {
                    ping.replyTo().tell(Pong.PONG);
                    return Behaviors.same();
                })
                .build();
    }

    static final class Pinger extends AbstractBehavior<PingerMsg> {
        private final ActorRef<Ping> ponger;
        private final ActorRef<Pong> me;
        private int n, left;
        private long t0;
        private ActorRef<Double> replyTo;

        Pinger(ActorContext<PingerMsg> context) {
            super(context);
            ponger = context.spawn(ponger(), "ponger");
            me = context.getSelf().narrow();
        }

        @Override
        public Receive<PingerMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(RunPingPong.class, run -> {
                        n = left = run.n();
                        replyTo = run.replyTo();
                        t0 = System.nanoTime();
                        ponger.tell(new Ping(me));
                        return this;
                    })
                    .onMessage(Pong.class, pong -> {
                        if (--left == 0) {
                            replyTo.tell((System.nanoTime() - t0) / (double) n);
                        } else {
                            ponger.tell(new Ping(me));
                        }
                        return this;
                    })
                    .build();
        }
    }

    @Override
    public double[] pingPong(int warm, int n, int runs) throws Exception {
        ActorSystem<PingerMsg> system = system("pingpong", Behaviors.setup(Pinger::new));
        try {
            PekkoRuntime.<PingerMsg, Double>ask(system, r -> new RunPingPong(warm, r));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = PekkoRuntime.<PingerMsg, Double>ask(system, r -> new RunPingPong(n, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }

    // ---------------------------------------------------------------- ring

    sealed interface NodeMsg {}
    record Next(ActorRef<NodeMsg> next, ActorRef<RingDone> driver) implements NodeMsg {}
    record Token(int hopsLeft) implements NodeMsg {}
    sealed interface RingMsg {}
    record RunRing(int hops, ActorRef<Double> replyTo) implements RingMsg {}
    enum RingDone implements RingMsg { DONE }

    static Behavior<NodeMsg> ringNode() {
        return Behaviors.receive(NodeMsg.class)
                .onMessage(Next.class, next -> forwarding(next.next(), next.driver()))
                .build();
    }

    static Behavior<NodeMsg> forwarding(ActorRef<NodeMsg> next, ActorRef<RingDone> driver) {
        return Behaviors.receive(NodeMsg.class)
                .onMessage(Token.class, token -> {
                    if (token.hopsLeft() == 0) {
                        driver.tell(RingDone.DONE);
                    } else {
                        next.tell(new Token(token.hopsLeft() - 1));
                    }
                    return Behaviors.same();
                })
                .build();
    }

    static final class RingDriver extends AbstractBehavior<RingMsg> {
        private final ActorRef<NodeMsg> first;
        private int hops;
        private long t0;
        private ActorRef<Double> replyTo;

        RingDriver(ActorContext<RingMsg> context, int size) {
            super(context);
            @SuppressWarnings({"unchecked", "rawtypes"})
            ActorRef<NodeMsg>[] nodes = new ActorRef[size];
            for (int i = 0; i < size; i++) {
                nodes[i] = context.spawnAnonymous(ringNode());
            }
            ActorRef<RingDone> me = context.getSelf().narrow();
            for (int i = 0; i < size; i++) {
                nodes[i].tell(new Next(nodes[(i + 1) % size], me));
            }
            first = nodes[0];
        }

        @Override
        public Receive<RingMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(RunRing.class, run -> {
                        hops = run.hops();
                        replyTo = run.replyTo();
                        t0 = System.nanoTime();
                        first.tell(new Token(hops));
                        return this;
                    })
                    .onMessage(RingDone.class, done -> {
                        replyTo.tell((System.nanoTime() - t0) / (double) hops);
                        return this;
                    })
                    .build();
        }
    }

    @Override
    public double[] ring(int size, int warmHops, int hops, int runs) throws Exception {
        ActorSystem<RingMsg> system = system("ring", Behaviors.setup(ctx -> new RingDriver(ctx, size)));
        try {
            PekkoRuntime.<RingMsg, Double>ask(system, r -> new RunRing(warmHops, r));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = PekkoRuntime.<RingMsg, Double>ask(system, r -> new RunRing(hops, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }

    // ---------------------------------------------------------------- call_fanin

    /** A request with its {@code replyTo}: Pekko's request-response pattern. */
    record Call(ActorRef<Reply> replyTo, Object request) {}
    sealed interface ClientMsg {}
    record Go(long deadlineNanos) implements ClientMsg {}
    record Reply(Object value) implements ClientMsg {}
    sealed interface FaninMsg {}
    record RunFanin(int clients, int millis, ActorRef<Double> replyTo) implements FaninMsg {}
    record Count(long calls) implements FaninMsg {}

    static Behavior<Call> echoServer() {
        return Behaviors.receive(Call.class)
                .onMessage(Call.class, call -> {
                    call.replyTo().tell(new Reply(call.request()));
                    return Behaviors.same();
                })
                .build();
    }

    /** genserver_call's timeout of one ask: gen_server:call's and Jarl's GenServer.call's default. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Calls the server again on every reply until the deadline, then reports its count and stops.
     *
     * <p>call_fanin ({@code ask} false): the plain request-response pattern, the request carrying the
     * client itself as {@code replyTo}. genserver_call ({@code ask} true): what a Pekko user writes
     * for a synchronous call from one actor to another, Pekko's "request-response with ask between
     * two actors": {@link ActorContext#ask} with a timeout (5 s, as {@code gen_server:call}), whose
     * answer, or failure on timeout, comes back as a message of the client's own protocol. Per call it
     * creates a temporary reply actor and schedules the timeout, as a gen_server call makes an alias
     * and a monitor. (A blocking {@link AskPattern#ask} ... {@code .get()} inside an actor would hold
     * a dispatcher thread for the wait, which Pekko's documentation warns against; AskPattern is for
     * code outside the actor system.)
     */
    static final class Client extends AbstractBehavior<ClientMsg> {
        private final ActorRef<Call> server;
        private final ActorRef<Count> driver;
        private final ActorRef<Reply> me;
        private final boolean ask;
        private long deadline, calls;

        Client(ActorContext<ClientMsg> context, ActorRef<Call> server, ActorRef<Count> driver, boolean ask) {
            super(context);
            this.server = server;
            this.driver = driver;
            this.me = context.getSelf().narrow();
            this.ask = ask;
        }

        private void call() {
            if (!ask) {
                server.tell(new Call(me, calls));
                return;
            }
            long request = calls;
            getContext().ask(Reply.class, server, CALL_TIMEOUT, replyTo -> new Call(replyTo, request),
                    (reply, failure) -> {
                        if (reply == null) {
                            throw new IllegalStateException("call " + request + " to " + server + " failed", failure);
                        }
                        return reply;
                    });
        }

        @Override
        public Receive<ClientMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Go.class, go -> {
                        deadline = go.deadlineNanos();
                        call();
                        return this;
                    })
                    .onMessage(Reply.class, reply -> {
                        calls++;
                        if (System.nanoTime() - deadline < 0) {
                            call();
                            return this;
                        }
                        driver.tell(new Count(calls));
                        return Behaviors.stopped();
                    })
                    .build();
        }
    }

    static final class FaninDriver extends AbstractBehavior<FaninMsg> {
        private final ActorRef<Call> server;
        private final boolean ask;
        private long t0, total;
        private int waiting;
        private ActorRef<Double> replyTo;

        FaninDriver(ActorContext<FaninMsg> context, boolean ask) {
            super(context);
            server = context.spawn(echoServer(), "server");
            this.ask = ask;
        }

        @Override
        public Receive<FaninMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(RunFanin.class, run -> {
                        ActorRef<Count> me = getContext().getSelf().narrow();
                        @SuppressWarnings({"unchecked", "rawtypes"})
                        ActorRef<ClientMsg>[] clients = new ActorRef[run.clients()];
                        for (int i = 0; i < clients.length; i++) {
                            clients[i] = getContext().spawnAnonymous(
                                    Behaviors.<ClientMsg>setup(ctx -> new Client(ctx, server, me, ask)));
                        }
                        waiting = clients.length;
                        total = 0;
                        replyTo = run.replyTo();
                        t0 = System.nanoTime();
                        Go go = new Go(t0 + run.millis() * 1_000_000L);
                        for (ActorRef<ClientMsg> c : clients) {
                            c.tell(go);
                        }
                        return this;
                    })
                    .onMessage(Count.class, count -> {
                        total += count.calls();
                        if (--waiting == 0) {
                            replyTo.tell(total * 1e9 / (System.nanoTime() - t0));
                        }
                        return this;
                    })
                    .build();
        }
    }

    @Override
    public double[] callFanin(int clients, int warmMillis, int millis, int runs) throws Exception {
        return calls("fanin", false, clients, warmMillis, millis, runs);
    }

    // ---------------------------------------------------------------- genserver_call

    /** call_fanin's driver and echo server, with clients that call through {@link ActorContext#ask}. */
    @Override
    public double[] genServerCall(int clients, int warmMillis, int millis, int runs) throws Exception {
        return calls("genserver", true, clients, warmMillis, millis, runs);
    }

    private double[] calls(String name, boolean ask, int clients, int warmMillis, int millis, int runs)
            throws Exception {
        ActorSystem<FaninMsg> system = system(name, Behaviors.setup(ctx -> new FaninDriver(ctx, ask)));
        try {
            PekkoRuntime.<FaninMsg, Double>ask(system, r -> new RunFanin(clients, warmMillis, r));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = PekkoRuntime.<FaninMsg, Double>ask(system, r -> new RunFanin(clients, millis, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }

    // ---------------------------------------------------------------- skynet

    sealed interface SkynetMsg {}
    record RunSkynet(long leaves, ActorRef<Double> replyTo) implements SkynetMsg {}
    record Sum(long value) implements SkynetMsg {}

    static Behavior<Sum> skynet(ActorRef<Sum> parent, long num, long size) {
        return Behaviors.setup(ctx -> {
            if (size == 1) {
                parent.tell(new Sum(num));
                return Behaviors.stopped();
            }
            long sub = size / 10;
            for (int i = 0; i < 10; i++) {
                ctx.spawnAnonymous(skynet(ctx.getSelf(), num + i * sub, sub));
            }
            return summing(parent, 10, 0);
        });
    }

    static Behavior<Sum> summing(ActorRef<Sum> parent, int left, long acc) {
        return Behaviors.receiveMessage(sum -> {
            if (left == 1) {
                parent.tell(new Sum(acc + sum.value()));
                return Behaviors.stopped();
            }
            return summing(parent, left - 1, acc + sum.value());
        });
    }

    static final class SkynetDriver extends AbstractBehavior<SkynetMsg> {
        private long t0, leaves;
        private ActorRef<Double> replyTo;

        SkynetDriver(ActorContext<SkynetMsg> context) {
            super(context);
        }

        @Override
        public Receive<SkynetMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(RunSkynet.class, run -> {
                        leaves = run.leaves();
                        replyTo = run.replyTo();
                        t0 = System.nanoTime();
                        getContext().spawnAnonymous(skynet(getContext().getSelf().narrow(), 0, leaves));
                        return this;
                    })
                    .onMessage(Sum.class, sum -> {
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (sum.value() != leaves * (leaves - 1) / 2) {
                            throw new IllegalStateException("skynet(" + leaves + ") = " + sum.value());
                        }
                        replyTo.tell(ms);
                        return this;
                    })
                    .build();
        }
    }

    @Override
    public double[] skynet(int warmLeaves, int leaves, int runs) throws Exception {
        ActorSystem<SkynetMsg> system = system("skynet", Behaviors.setup(SkynetDriver::new));
        try {
            PekkoRuntime.<SkynetMsg, Double>ask(system, r -> new RunSkynet(warmLeaves, r));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = PekkoRuntime.<SkynetMsg, Double>ask(system, r -> new RunSkynet(leaves, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }

    // ---------------------------------------------------------------- selective_receive

    /*
     * Pekko has no selective receive: an actor takes its messages in order. The equivalent of "wait
     * for the reply, leave everything else queued" is a StashBuffer: while waiting, other messages are
     * moved into the stash, and unstashed when the reply has come. So the reply to a call made with
     * 100,000 messages queued arrives after the actor has taken (and stashed) those 100,000.
     */
    sealed interface CallerMsg {}
    record Round(int junk, ActorRef<long[]> replyTo) implements CallerMsg {}
    record Answer(Object value) implements CallerMsg {}
    record Junk(int n) implements CallerMsg {}
    record Request(ActorRef<Answer> replyTo, Object request) {}

    static Behavior<Request> answeringServer() {
        return Behaviors.receive(Request.class)
                .onMessage(Request.class, req -> {
                    req.replyTo().tell(new Answer(req.request()));
                    return Behaviors.same();
                })
                .build();
    }

    static Behavior<CallerMsg> caller(int stashCapacity) {
        return Behaviors.withStash(stashCapacity, stash -> Behaviors.setup(ctx -> {
            ActorRef<Request> server = ctx.spawn(answeringServer(), "server");
            return new Caller(ctx, stash, server).idle();
        }));
    }

    static final class Caller {
        private final ActorContext<CallerMsg> ctx;
        private final StashBuffer<CallerMsg> stash;
        private final ActorRef<Request> server;
        private final ActorRef<Answer> me;

        Caller(ActorContext<CallerMsg> ctx, StashBuffer<CallerMsg> stash, ActorRef<Request> server) {
            this.ctx = ctx;
            this.stash = stash;
            this.server = server;
            this.me = ctx.getSelf().narrow();
        }

        /** Not waiting for a reply: junk is handled (dropped) here, which drains it after a round. */
        Behavior<CallerMsg> idle() {
            return Behaviors.receive(CallerMsg.class)
                    .onMessage(Round.class, round -> {
                        long t0 = System.nanoTime();
                        server.tell(new Request(me, "req"));
                        return waiting(round, t0, -1);
                    })
                    .onMessage(Junk.class, junk -> Behaviors.same())
                    .build();
        }

        /** Waiting for the reply to the request sent at {@code t0}; everything else goes into the stash. */
        Behavior<CallerMsg> waiting(Round round, long t0, long emptyNanos) {
            return Behaviors.receive(CallerMsg.class)
                    .onMessage(Answer.class, answer -> {
                        long nanos = System.nanoTime() - t0;
                        if (emptyNanos < 0) {
                            // The call with an empty mailbox is done: queue the junk, then call again.
                            ActorRef<CallerMsg> self = ctx.getSelf();
                            for (int i = 0; i < round.junk(); i++) {
                                self.tell(new Junk(i));
                            }
                            long t1 = System.nanoTime();
                            server.tell(new Request(me, "req"));
                            return waiting(round, t1, nanos);
                        }
                        int stashed = stash.size();
                        if (stashed != round.junk()) {
                            throw new IllegalStateException("expected " + round.junk() + " stashed, found " + stashed);
                        }
                        round.replyTo().tell(new long[] {emptyNanos, nanos});
                        return stash.unstashAll(idle());
                    })
                    .onAnyMessage(other -> {
                        stash.stash(other);
                        return Behaviors.same();
                    })
                    .build();
        }
    }

    @Override
    public long[][] selectiveReceive(int junk, int warmRounds, int rounds) throws Exception {
        ActorSystem<CallerMsg> system = system("selective", caller(junk + 16));
        try {
            for (int i = 0; i < warmRounds; i++) {
                PekkoRuntime.<CallerMsg, long[]>ask(system, r -> new Round(junk, r));
            }
            long[][] out = new long[rounds][];
            for (int i = 0; i < rounds; i++) {
                out[i] = PekkoRuntime.<CallerMsg, long[]>ask(system, r -> new Round(junk, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }

    // ---------------------------------------------------------------- registry_lookup

    /**
     * Why {@code registry_lookup} has no Pekko line. The scenario measures Elixir's {@code Registry}:
     * a lookup is a read of a shared table (ETS) in the reader's own process, returning at once. Pekko
     * typed's registry of actors, the {@code Receptionist}, is asynchronous: a {@code Find} is a
     * message to the receptionist actor, answered later with a {@code Listing} message (and in a
     * cluster it is eventually consistent), so a lookup is a request-reply, which {@code call_fanin}
     * and {@code genserver_call} already measure. Nothing else in Pekko reads a registry of actors in
     * the caller ({@code ActorContext.getChild} sees the caller's own children only); a Java map of
     * actor references would measure that map, not Pekko.
     */
    static final String REGISTRY_NOT_APPLICABLE = "Pekko's Receptionist is asynchronous (a Find is a message to the"
            + " receptionist actor, answered by a Listing message), and Pekko has no registry read in the caller as"
            + " Elixir's Registry reads ETS";

    /** Why this runtime has nothing comparable for {@code scenario}, or empty if it runs it. */
    static Optional<String> notApplicable(Scenario scenario) {
        return switch (scenario) {
            case REGISTRY_LOOKUP -> Optional.of(REGISTRY_NOT_APPLICABLE);
            case FAIRNESS -> Optional.of(FAIRNESS_NOT_APPLICABLE);
            default -> Optional.empty();
        };
    }

    /** Why {@code fairness} has no Pekko line (not measured yet). */
    static final String FAIRNESS_NOT_APPLICABLE = "not measured yet: an actor that computes for the whole run holds a"
            + " dispatcher thread (Pekko cannot preempt it either), so the pinger's latency is that of the threads"
            + " left over";

    @Override
    public double[][] fairness(int hogs, int millis, int runs) {
        throw new UnsupportedOperationException("fairness on Pekko: " + FAIRNESS_NOT_APPLICABLE);
    }

    @Override
    public double[] registryLookup(int keys, int readers, int warmMillis, int millis, int runs) {
        throw new UnsupportedOperationException("registry_lookup on Pekko: " + REGISTRY_NOT_APPLICABLE);
    }

    // ---------------------------------------------------------------- task_async_await

    sealed interface TasksMsg {}
    record RunTasks(int n, int batch, ActorRef<Double> replyTo) implements TasksMsg {}
    record TaskReply(ActorRef<Void> task, long value) implements TasksMsg {}

    /** A task: replies to its owner with its result, then stops. It takes no messages. */
    static Behavior<Void> task(ActorRef<TaskReply> owner, long index) {
        return Behaviors.setup(ctx -> {
            owner.tell(new TaskReply(ctx.getSelf(), 2 * index));
            return Behaviors.stopped();
        });
    }

    /**
     * The owner of {@code task_async_await}'s tasks: Pekko's closest honest equivalent of
     * {@code Task.async}/{@code await} is a child actor per task, spawned and {@linkplain
     * ActorContext#watch watched} by the owner, that sends its result to the owner and stops.
     *
     * <p>Why this and not a {@code Future}: a {@code Future} (or {@code CompletableFuture.supplyAsync})
     * runs a function on a pool thread; it is not an actor, has no mailbox, and its failure affects
     * nobody. Elixir's task is a process linked to and monitored by its owner, and a child actor is
     * Pekko's process with the same ties: a child stops when its parent stops (the link from owner to
     * task), and a watched child that fails sends its parent {@code ChildFailed}, which, unhandled,
     * fails the parent with a {@code DeathPactException} (the link from task to owner, and the
     * monitor). Taking the reply, the owner {@linkplain ActorContext#unwatch unwatches} the child,
     * so no {@code Terminated} comes after it (Elixir: {@code Process.demonitor(ref, [:flush])}).
     *
     * <p>Where it differs: the owner takes the replies in the order they come, not task by task (an
     * actor has no selective receive; Elixir's {@code Enum.map(tasks, &Task.await/1)} does the same
     * work either way), and there is no await timeout (Elixir's {@code await} has a 5 s one, a timer
     * only while it waits). {@link ActorContext#ask} per task would add a temporary actor and a
     * scheduled timeout per task for no extra likeness, since the child already replies to its owner.
     */
    static final class TaskOwner extends AbstractBehavior<TasksMsg> {
        private final ActorRef<TaskReply> me;
        private int n, batch, next, awaiting;
        private long sum, t0;
        private ActorRef<Double> replyTo;

        TaskOwner(ActorContext<TasksMsg> context) {
            super(context);
            me = context.getSelf().narrow();
        }

        @Override
        public Receive<TasksMsg> createReceive() {
            return newReceiveBuilder()
                    .onMessage(RunTasks.class, run -> {
                        n = run.n();
                        batch = run.batch();
                        replyTo = run.replyTo();
                        next = 0;
                        sum = 0;
                        t0 = System.nanoTime();
                        startBatch();
                        return this;
                    })
                    .onMessage(TaskReply.class, reply -> {
                        getContext().unwatch(reply.task());
                        sum += reply.value();
                        if (--awaiting > 0) {
                            return this;
                        }
                        if (next < n) {
                            startBatch();
                            return this;
                        }
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (sum != (long) n * (n - 1)) {
                            throw new IllegalStateException("task_async_await(" + n + ") summed to " + sum);
                        }
                        replyTo.tell(ms);
                        return this;
                    })
                    .build();
        }

        private void startBatch() {
            int size = Math.min(batch, n - next);
            for (int i = 0; i < size; i++) {
                ActorRef<Void> t = getContext().spawnAnonymous(task(me, next + i));
                getContext().watch(t);
            }
            next += size;
            awaiting = size;
        }
    }

    @Override
    public double[] taskAsyncAwait(int warmTasks, int tasks, int batch, int runs) throws Exception {
        ActorSystem<TasksMsg> system = system("tasks", Behaviors.setup(TaskOwner::new));
        try {
            PekkoRuntime.<TasksMsg, Double>ask(system, r -> new RunTasks(warmTasks, batch, r));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = PekkoRuntime.<TasksMsg, Double>ask(system, r -> new RunTasks(tasks, batch, r));
            }
            return out;
        } finally {
            stop(system);
        }
    }
}
