package io.jarl;

import static io.jarl.Jarl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Next;
import io.jarl.server.Result;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Strategy;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.task.Task;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deterministic mode of the scheduler (Deterministic.run): one seed, one run, step for step;
 * other seeds, other interleavings; virtual time for timers, receive timeouts and the behaviours'
 * timeouts; nothing of a run outlives it.
 */
@ExtendWith(NoLeakedProcesses.class)
class DeterministicTest {

    record Note(int sender, int n) {}

    /**
     * Six body processes and six handler processes race to a collector, each sending three notes
     * with a yield between; the collector reports the order it got them in.
     */
    private static List<Note> race(long seed, AtomicReference<Deterministic.Outcome> outcome) {
        AtomicReference<List<Note>> order = new AtomicReference<>();
        outcome.set(Deterministic.run(seed, () -> {
            Pid root = self();
            Pid collector = spawn(() -> {
                List<Note> got = new ArrayList<>();
                for (int i = 0; i < 36; i++) {
                    got.add(receive(Note.class));
                }
                send(root, got);
            });
            for (int s = 0; s < 6; s++) {
                int sender = s;
                spawn(() -> {
                    for (int n = 0; n < 3; n++) {
                        send(collector, new Note(sender, n));
                        Jarl.yield();
                    }
                });
                // A handler process sends its notes one per message it is given.
                Pid h = spawnHandler(() -> 0, (Integer n, Object go) -> {
                    send(collector, new Note(100 + sender, n));
                    return n + 1;
                });
                for (int n = 0; n < 3; n++) {
                    send(h, "go");
                }
            }
            @SuppressWarnings("unchecked")
            List<Note> got = (List<Note>) receive(m -> m instanceof List<?> l ? l : skip());
            order.set(got);
        }));
        return order.get();
    }

    @Test
    void oneSeedReplaysTheSameRun() {
        AtomicReference<Deterministic.Outcome> first = new AtomicReference<>(), second = new AtomicReference<>();
        List<Note> a = race(42, first);
        List<Note> b = race(42, second);
        assertThat(a).hasSize(36).isEqualTo(b);
        Deterministic.Outcome o1 = first.get(), o2 = second.get();
        assertThat(o1.stop()).isEqualTo(Deterministic.Stop.ROOT_ENDED);
        assertThat(o1.rootReason()).contains(ExitReason.NORMAL);
        assertThat(o1.externalWakeups()).isZero();
        assertThat(o1.outsideSends()).isZero();
        assertThat(o1.processes()).hasSize(1 + 1 + 12);
        assertThat(o1.trace()).hasSize((int) o1.steps()).isEqualTo(o2.trace());
        assertThat(o1.steps()).isGreaterThan(36);
        // The pids are the node's, new ones each run; the ordinals name the same processes.
        assertThat(o1.processes()).doesNotContainAnyElementsOf(o2.processes());
        assertThat(o1.ordinal(o1.processes().get(1))).isEqualTo(2);
        // Every note from one sender still comes in the order sent.
        for (int s : List.of(0, 3, 100, 105)) {
            assertThat(a.stream().filter(n -> n.sender() == s).map(Note::n).toList()).containsExactly(0, 1, 2);
        }
    }

    @Test
    void otherSeedsReachOtherInterleavings() {
        Set<List<Note>> orders = new HashSet<>();
        Set<List<Deterministic.Step>> traces = new HashSet<>();
        AtomicReference<Deterministic.Outcome> outcome = new AtomicReference<>();
        for (long seed = 1; seed <= 10; seed++) {
            orders.add(race(seed, outcome));
            traces.add(outcome.get().trace());
        }
        assertThat(orders).hasSizeGreaterThan(5);
        assertThat(traces).hasSizeGreaterThan(5);
    }

    @Test
    void timersAndReceiveTimeoutsFollowTheRunsClock() {
        record Fired(int ms, long at) {}
        AtomicReference<List<Object>> seen = new AtomicReference<>();
        Deterministic.Outcome o = Deterministic.run(7, () -> {
            List<Object> out = new ArrayList<>();
            long t0 = monotonicTime();
            sleep(Duration.ofHours(1));
            out.add(monotonicTime() - t0);
            Pid me = self();
            for (int ms : List.of(300, 100, 200)) {
                sendAfter(me, ms, Duration.ofMillis(ms));
            }
            Ref cancelled = sendAfter(me, 150, Duration.ofMillis(150));
            assertThat(readTimer(cancelled)).contains(Duration.ofMillis(150));
            assertThat(cancelTimer(cancelled)).contains(Duration.ofMillis(150));
            long t1 = monotonicTime();
            for (int i = 0; i < 3; i++) {
                int ms = receive(Integer.class);
                out.add(new Fired(ms, monotonicTime() - t1));
            }
            long t2 = monotonicTime();
            out.add(receive(Duration.ofSeconds(5)));
            out.add(monotonicTime() - t2);
            seen.set(out);
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.ROOT_ENDED);
        assertThat(o.rootReason()).contains(ExitReason.NORMAL);
        assertThat(seen.get()).containsExactly(Duration.ofHours(1).toNanos(),
                new Fired(100, 100_000_000), new Fired(200, 200_000_000), new Fired(300, 300_000_000),
                Optional.empty(), 5_000_000_000L);
        assertThat(o.elapsed()).isEqualTo(Duration.ofHours(1).plusMillis(300).plusSeconds(5));
        assertThat(o.externalWakeups()).isZero();
    }

    /** A server that never answers calls, and stops after ten quiet seconds. */
    static final class Silent implements GenServer<String, Object, Object> {
        @Override
        public Init<String> init() {
            return Init.ok("quiet", Next.timeout(Duration.ofSeconds(10)));
        }

        @Override
        public CallResult<String> handleCall(Object request, From from, String state) {
            return CallResult.noReply(state, Next.timeout(Duration.ofSeconds(10)));
        }

        @Override
        public Result<String> handleInfo(Object message, String state) {
            return message == GenServer.TIMEOUT ? Result.stop(ExitReason.of("bored"), state) : Result.noReply(state);
        }
    }

    @Test
    void callAndServerTimeoutsFollowTheRunsClock() {
        AtomicReference<List<Object>> seen = new AtomicReference<>();
        Deterministic.Outcome o = Deterministic.run(3, () -> {
            List<Object> out = new ArrayList<>();
            Pid server = GenServer.start(new Silent()).orElseThrow();
            Ref mon = monitor(server);
            long t0 = monotonicTime();
            try {
                GenServer.call(server, "hello");
                out.add("replied");
            } catch (ExitException e) {
                out.add(e.reason().toString().startsWith("{timeout, {GenServer.call") ? "timed out" : e.reason());
            }
            out.add(monotonicTime() - t0);
            Down down = receive(Down.class);
            out.add(down.ref() == mon ? down.reason() : down);
            out.add(monotonicTime() - t0);
            Task<Integer> slow = Task.async(() -> {
                sleep(Duration.ofMinutes(1));
                return 1;
            });
            assertThatThrownBy(() -> Task.await(slow, Duration.ofSeconds(2))).isInstanceOf(ExitException.class);
            out.add(monotonicTime() - t0);
            seen.set(out);
        });
        assertThat(o.rootReason()).contains(ExitReason.NORMAL);
        // The server's ten quiet seconds began with the call it left unanswered.
        assertThat(seen.get()).containsExactly("timed out", 5_000_000_000L, ExitReason.of("bored"),
                10_000_000_000L, 12_000_000_000L);
        assertThat(o.externalWakeups()).isZero();
    }

    /** A server that crashes {@code every} after it starts. */
    record Crasher(Duration every) implements GenServer<String, Object, Object> {
        @Override
        public Init<String> init() {
            return Init.ok("ticking", Next.timeout(every));
        }

        @Override
        public Result<String> handleInfo(Object message, String state) {
            throw new IllegalStateException("planned crash");
        }
    }

    /** A one-for-one supervisor allowing three restarts in five seconds of a child that crashes every {@code every}. */
    private static Object supervise(Duration every) {
        AtomicReference<Object> seen = new AtomicReference<>();
        Deterministic.run(11, () -> {
            Pid sup = Supervisor.start(SupervisorFlags.of(Strategy.ONE_FOR_ONE).withIntensity(3)
                            .withPeriod(Duration.ofSeconds(5)),
                    List.of(ChildSpec.worker("crasher", () -> GenServer.startLink(new Crasher(every))))).orElseThrow();
            Ref mon = monitor(sup);
            long t0 = monotonicTime();
            Optional<Down> down = receive(m -> m instanceof Down d && d.ref() == mon ? d : skip(), Duration.ofMinutes(1));
            seen.set(down.<Object>map(d -> List.of(d.reason(), monotonicTime() - t0)).orElse("alive"));
            exit(sup, ExitReason.shutdown());
        });
        return seen.get();
    }

    @Test
    void theRestartWindowFollowsTheRunsClock() {
        // Crashes at 1, 2, 3 s are restarted; the fourth, at 4 s, is one too many within 5 s.
        assertThat(supervise(Duration.ofSeconds(1))).isEqualTo(List.of(ExitReason.shutdown(), 4_000_000_000L));
        // Every 2 s, no 5 s window holds four: the supervisor is still up after a (virtual) minute.
        assertThat(supervise(Duration.ofSeconds(2))).isEqualTo("alive");
    }

    @Test
    void whatOutlivesTheRootIsKilled() {
        int before = processCount();
        AtomicReference<Pid[]> made = new AtomicReference<>();
        AtomicReference<Ref> timer = new AtomicReference<>();
        Deterministic.Outcome o = Deterministic.run(5, () -> {
            Pid waiter = spawn(() -> receive(String.class));
            Pid server = GenServer.start(new Silent()).orElseThrow();
            Pid handler = spawnHandler(() -> "idle", (String s, Object m) -> s);
            Pid sleeper = spawn(() -> {
                try {
                    Thread.sleep(60_000); // held outside the runtime when the run ends: the kill interrupts it
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            made.set(new Pid[] {waiter, server, handler, sleeper});
            timer.set(sendAfter("nobody", "late", Duration.ofHours(1)));
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.ROOT_ENDED);
        assertThat(o.leaked()).containsExactly(made.get());
        for (Pid p : made.get()) {
            assertThat(info(p)).isEmpty();
        }
        assertThat(readTimer(timer.get())).isEmpty();
        assertThat(processCount()).isEqualTo(before);
    }

    @Test
    void aRunWhereEveryoneWaitsIsQuiescent() {
        Deterministic.Outcome o = Deterministic.run(1, () -> {
            Pid other = spawn(() -> receive(String.class));
            link(other);
            receive(String.class);
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.QUIESCENT);
        assertThat(o.rootReason()).isEmpty();
        assertThat(o.leaked()).hasSize(2).isEqualTo(o.processes());
    }

    @Test
    void aRunStopsAtItsStepLimit() {
        Deterministic.Outcome o = Deterministic.run(Deterministic.Options.seed(9).withMaxSteps(500), () -> {
            Pid me = self();
            Pid echo = spawn(() -> {
                for (;;) {
                    send(me, receive());
                }
            });
            for (;;) {
                send(echo, "ping");
                receive();
            }
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.STEP_LIMIT);
        assertThat(o.steps()).isEqualTo(500);
        assertThat(o.trace()).extracting(Deterministic.Step::process).containsOnly(1, 2);
        assertThat(o.leaked()).hasSize(2);
    }

    @Test
    void aRootThatCrashesEndsTheRunWithItsReason() {
        Deterministic.Outcome o = Deterministic.run(2, () -> {
            throw new IllegalArgumentException("planned");
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.ROOT_ENDED);
        assertThat(o.rootReason()).hasValueSatisfying(r -> assertThat(r).isInstanceOf(ExitReason.Crash.class));
    }

    @Test
    void aWaitOutsideTheRuntimeIsCountedAsOutside() {
        Deterministic.Outcome o = Deterministic.run(4, () -> {
            try {
                Thread.sleep(5); // real time: the JDK's timer wakes the process, from outside the run
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(o.stop()).isEqualTo(Deterministic.Stop.ROOT_ENDED);
        assertThat(o.externalWakeups()).isPositive();
    }

    @Test
    void processesOfTheNodeAreNotPartOfARun() throws Exception {
        try (var me = attach()) {
            Pid outside = spawn(() -> {
                Pid from = receive(Pid.class);
                send(from, "from the node");
            });
            AtomicReference<Object> got = new AtomicReference<>();
            Deterministic.Outcome o = Deterministic.run(6, () -> {
                send(outside, self());
                got.set(receive(String.class));
            });
            assertThat(got.get()).isEqualTo("from the node");
            assertThat(o.outsideSends()).isEqualTo(1);
            // (Whether the reply woke the root from outside, or came before it waited, is a race.)
            assertThat(o.processes()).hasSize(1);
        }
    }
}
