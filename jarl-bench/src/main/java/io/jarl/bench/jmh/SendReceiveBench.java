package io.jarl.bench.jmh;

import static io.jarl.Jarl.makeRef;
import static io.jarl.Jarl.receive;
import static io.jarl.Jarl.self;
import static io.jarl.Jarl.send;
import static io.jarl.Jarl.skip;
import static io.jarl.Jarl.spawn;

import io.jarl.Down;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.Spawned;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmarks of Jarl's message primitives.
 *
 * <pre>
 * java -cp jarl-bench/target/classes:$(cat jarl-bench/target/classpath.txt) org.openjdk.jmh.Main SendReceiveBench
 * </pre>
 *
 * <ul>
 *   <li>{@code sendReceiveSelf}: a send to self and a receive of it, in an attached thread (never parks);</li>
 *   <li>{@code pingPongAttached}: a round trip between the benchmark thread (attached) and a process;</li>
 *   <li>{@code pingPongProcesses}: a round trip between two processes (virtual threads), timed
 *       per round trip over batches of {@value #BATCH};</li>
 *   <li>{@code callWithQueuedMessages}: a request-reply with the ref-since receive from the attached
 *       benchmark thread, with {@code queued} unrelated messages in its mailbox;</li>
 *   <li>{@code spawnAndExitAttached}: the attached thread spawns a process that returns at once and
 *       receives its {@link Down};</li>
 *   <li>{@code spawnAndExitProcesses}: the same from a process, over batches of {@value #BATCH}.</li>
 * </ul>
 * The {@code ...Attached} and {@code callWithQueuedMessages} numbers include waking a platform thread,
 * which costs far more than waking a process.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class SendReceiveBench {
    static final int BATCH = 10_000;

    record Ping(Pid from) {}
    record Pong() {}
    record Stop() {}
    record Call(Ref ref, Pid from) {}
    record Reply(Ref ref) {}
    record Junk(int n) {}

    static final Pong PONG = new Pong();
    static final Stop STOP = new Stop();
    static final Object MESSAGE = "hello";

    /** The benchmark thread attached as a process, and a ponger/echo process. */
    @State(Scope.Thread)
    public static class Attached {
        ProcessScope scope;
        Pid ponger;
        Pid server;

        @Setup(Level.Trial)
        public void setUp() {
            scope = Jarl.attach();
            ponger = spawn(() -> {
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
            server = spawn(() -> {
                for (;;) {
                    switch (receive()) {
                        case Call(Ref ref, Pid from) -> send(from, new Reply(ref));
                        case Stop _ -> {
                            return;
                        }
                        default -> {}
                    }
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            send(ponger, STOP);
            send(server, STOP);
            scope.close();
        }
    }

    /** Like {@link Attached}, with {@code queued} unrelated messages left in the mailbox. */
    @State(Scope.Thread)
    public static class Loaded extends Attached {
        @Param({"0", "100000"})
        int queued;

        @Setup(Level.Trial)
        public void fill() {
            Pid me = self();
            for (int i = 0; i < queued; i++) {
                send(me, new Junk(i));
            }
        }
    }

    @Benchmark
    public Object sendReceiveSelf(Attached s) {
        send(s.scope.pid(), MESSAGE);
        return receive();
    }

    @Benchmark
    public Object pingPongAttached(Attached s) {
        send(s.ponger, new Ping(s.scope.pid()));
        return receive(Pong.class);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object pingPongProcesses(Attached s) {
        Pid ponger = s.ponger;
        return Jarl.run(() -> {
            Pid me = self();
            Object last = null;
            for (int i = 0; i < BATCH; i++) {
                send(ponger, new Ping(me));
                last = receive(Pong.class);
            }
            return last;
        });
    }

    @Benchmark
    public Object callWithQueuedMessages(Loaded s) {
        Ref ref = makeRef();
        send(s.server, new Call(ref, s.scope.pid()));
        return receive(ref, m -> m instanceof Reply r && r.ref() == ref ? r : skip(), Duration.ofSeconds(10))
                .orElseThrow();
    }

    @Benchmark
    public Object spawnAndExitAttached(Attached s) {
        return spawnAndAwaitDown();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spawnAndExitProcesses() {
        return Jarl.run(() -> {
            Object last = null;
            for (int i = 0; i < BATCH; i++) {
                last = spawnAndAwaitDown();
            }
            return last;
        });
    }

    private static Down spawnAndAwaitDown() {
        Spawned child = Jarl.spawnMonitor(() -> {});
        Ref ref = child.monitor();
        return receive(ref, m -> m instanceof Down d && d.ref() == ref ? d : skip(), Duration.ofSeconds(10))
                .orElseThrow();
    }
}
