package io.jarl.supervisor;

import static io.jarl.Jarl.*;
import static io.jarl.supervisor.Kids.ABNORMAL;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.RequestId;
import io.jarl.server.Response;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildInfo.Status;
import io.jarl.supervisor.Kids.Attempt;
import io.jarl.supervisor.Kids.Proceed;
import io.jarl.supervisor.Kids.Started;
import io.jarl.supervisor.Kids.Stopped;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Supervisor, after OTP's supervisor_SUITE (case names in camelCase). The test process traps exits,
 * as the suite's does, and is linked to the supervisors it starts. Restart windows use a
 * {@link ManualTicker}; nothing sleeps.
 */
@ExtendWith(NoLeakedProcesses.class)
class SupervisorTest {

    private static final ExitReason SHUTDOWN = ExitReason.shutdown();

    // ---------------------------------------------------------------- helpers

    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} as a process that traps exits, like the suite's test cases. */
    private static void asProcess(Body body) throws Exception {
        try (var me = attach()) {
            trapExit(true);
            body.run();
        }
    }

    /** OTP's {@code {Strategy, Intensity, 3600}}, with a manual clock. */
    private static SupervisorFlags flags(Strategy strategy, int intensity) {
        return SupervisorFlags.of(strategy).withIntensity(intensity).withPeriod(Duration.ofHours(1))
                .withTicker(new ManualTicker());
    }

    private static Pid startSup(SupervisorFlags flags, List<ChildSpec> children) {
        return Supervisor.startLink(flags, children).orElseThrow();
    }

    private static Pid startSup(Strategy strategy, int intensity) {
        return startSup(flags(strategy, intensity), List.of());
    }

    private static Pid started(StartChildResult result) {
        assertThat(result).isInstanceOf(StartChildResult.Started.class);
        return result.orElseThrow();
    }

    private static Pid pidOf(Pid sup, Object id) {
        return Supervisor.whichChildren(sup).stream().filter(c -> c.id().equals(id)).findFirst()
                .flatMap(ChildInfo::pid).orElseThrow(() -> new AssertionError("child " + id + " not running"));
    }

    private static void assertCounts(Pid sup, int specs, int active, int supervisors, int workers) {
        assertThat(Supervisor.countChildren(sup)).isEqualTo(new ChildCounts(specs, active, supervisors, workers));
    }

    private static ChildInfo running(Object id, Pid pid) {
        return new ChildInfo(id, new Status.Running(pid), ChildType.WORKER);
    }

    private static ChildInfo undefined(Object id) {
        return new ChildInfo(id, new Status.Undefined(), ChildType.WORKER);
    }

    private static ChildInfo restarting(Object id) {
        return new ChildInfo(id, new Status.Restarting(), ChildType.WORKER);
    }

    /** The supervisor, linked to the test, exits with {@code reason} (OTP: check_exit_reason/2). */
    private static void assertExits(Pid pid, ExitReason reason) {
        assertThat(awaitExit(pid).reason()).isEqualTo(reason);
    }

    /** Stops a supervisor linked to the test the way its parent would (OTP: terminate(Pid, shutdown)). */
    private static void shutdown(Pid sup) {
        exit(sup, SHUTDOWN);
        assertExits(sup, SHUTDOWN);
    }

    // ---------------------------------------------------------------- sup_start

    @Test
    void supStartNormal() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            assertThat(sup.isAlive()).isTrue();
            shutdown(sup);
        });
    }

    @Test
    void supStartIgnoreInit() throws Exception {
        asProcess(() -> {
            assertThat(Supervisor.startLink(SupervisorInit::ignore, StartOptions.defaults()))
                    .isEqualTo(new StartResult.Ignored());
            assertThat(pollMatching(m -> m instanceof io.jarl.Exit)).isFalse(); // the start took the Exit
        });
    }

    @Test
    void supStartIgnoreChild() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            assertThat(Supervisor.startChild(sup, ChildSpec.worker("child1", Kids::ignore)))
                    .isEqualTo(new StartChildResult.Ignored());
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2")));
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child2", c2), undefined("child1"));
            assertCounts(sup, 2, 1, 0, 2);
            shutdown(sup);
        });
    }

    @Test
    void supStartIgnoreTemporaryChild() throws Exception {
        asProcess(() -> {
            ChildSpec child1 = ChildSpec.worker("child1", Kids::ignore).withRestart(Restart.TEMPORARY);
            ChildSpec child2 = Kids.spec("child2").withRestart(Restart.TEMPORARY);
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 2), List.of(child1, child2));
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child2", pidOf(sup, "child2")));
            assertCounts(sup, 1, 1, 0, 1);

            // sup_start_ignore_temporary_child_start_child: the same through startChild
            Pid sup2 = startSup(Strategy.ONE_FOR_ONE, 2);
            assertThat(Supervisor.startChild(sup2, child1)).isEqualTo(new StartChildResult.Ignored());
            Pid c2 = started(Supervisor.startChild(sup2, child2));
            assertThat(Supervisor.whichChildren(sup2)).containsExactly(running("child2", c2));
            assertCounts(sup2, 1, 1, 0, 1);
            shutdown(sup);
            shutdown(sup2);
        });
    }

    @Test
    void supStartErrorReturn() throws Exception {
        asProcess(() -> {
            StartResult result = Supervisor.startLink(() -> null, StartOptions.defaults());
            assertThat(result).isInstanceOf(StartResult.Failed.class);
            assertThat(((StartResult.Failed) result).reason())
                    .isEqualTo(ExitReason.of(new SupervisorInit.BadReturn("supervisor init function returned null")));
        });
    }

    @Test
    void supStartFail() throws Exception {
        asProcess(() -> {
            IllegalStateException bad = new IllegalStateException("badmatch");
            StartResult result = Supervisor.startLink(() -> {
                throw bad;
            }, StartOptions.defaults());
            assertThat(result).isEqualTo(new StartResult.Failed(ExitReason.crash(bad)));
        });
    }

    @Test
    void supStartChildReturnsError() throws Exception {
        asProcess(() -> {
            Pid me = self();
            ChildSpec failing = ChildSpec.worker("c", () -> new StartResult.Failed(ExitReason.of("no way")));
            StartResult result = Supervisor.startLink(flags(Strategy.ONE_FOR_ONE, 2),
                    List.of(Kids.observed("a", me), Kids.observed("b", me), failing));
            assertThat(result).isEqualTo(new StartResult.Failed(
                    ExitReason.shutdown(new FailedToStartChild("c", ExitReason.of("no way")))));
            // started in order, rolled back in reverse order
            awaitMessage(new Started("a"));
            awaitMessage(new Started("b"));
            assertThat(await(Stopped.class)).isEqualTo(new Stopped("b", SHUTDOWN));
            assertThat(await(Stopped.class)).isEqualTo(new Stopped("a", SHUTDOWN));

            // a start function that throws fails the same way, with the exception as reason
            IllegalStateException boom = new IllegalStateException("boom");
            assertThat(Supervisor.startLink(flags(Strategy.ONE_FOR_ONE, 2), List.of(ChildSpec.worker("x", () -> {
                throw boom;
            })))).isEqualTo(new StartResult.Failed(ExitReason.shutdown(new FailedToStartChild("x", ExitReason.crash(boom)))));

            // and startChild returns the start function's error, keeping nothing
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            assertThat(Supervisor.startChild(sup, failing)).isEqualTo(new StartChildResult.Failed(ExitReason.of("no way")));
            assertThat(Supervisor.whichChildren(sup)).isEmpty();
            shutdown(sup);
        });
    }

    // ---------------------------------------------------------------- sup_stop

    @Test
    void supStopInfinity() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Pid c1 = started(Supervisor.startChild(sup, ChildSpec.supervisor("child1", Kids::worker)));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2").withShutdown(Shutdown.infinity())));
            Ref m1 = monitor(c1);
            Ref m2 = monitor(c2);
            shutdown(sup);
            assertThat(awaitDown(m1).reason()).isEqualTo(SHUTDOWN);
            assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
        });
    }

    @Test
    void supStopTimeout() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Shutdown short_ = Shutdown.timeout(Duration.ofMillis(50));
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1").withShutdown(short_)));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2").withShutdown(short_)));
            Ref m1 = monitor(c1);
            Ref m2 = monitor(c2);
            send(c2, new Kids.Hang()); // traps exits and never answers: killed after its timeout
            eventually("child2 traps exits", () -> info(c2).map(i -> i.trapExit()).orElse(false));
            shutdown(sup);
            assertThat(awaitDown(m1).reason()).isEqualTo(SHUTDOWN);
            assertThat(awaitDown(m2).reason()).isEqualTo(ExitReason.killed());
        });
    }

    @Test
    void supStopBrutalKill() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2").withShutdown(Shutdown.brutalKill())));
            Ref m1 = monitor(c1);
            Ref m2 = monitor(c2);
            shutdown(sup);
            assertThat(awaitDown(m1).reason()).isEqualTo(SHUTDOWN);
            assertThat(awaitDown(m2).reason()).isEqualTo(ExitReason.killed());
        });
    }

    @Test
    void supStopRace() throws Exception {
        // Children that end by themselves, with every reason and restart type, while their
        // supervisor shuts down: none is restarted, each keeps its own reason, and the shutdown
        // completes. The suite's sleeps are messages here: child_z, stopped first, holds the
        // shutdown until the others are dead.
        asProcess(() -> {
            Pid test = self();
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Shutdown second = Shutdown.timeout(Duration.ofSeconds(1));
            Pid a = started(Supervisor.startChild(sup, Kids.spec("child_a").withRestart(Restart.TEMPORARY)
                    .withShutdown(second)));
            Map<Pid, ExitReason> racers = new LinkedHashMap<>();
            for (Restart restart : Restart.values()) {
                for (ExitReason reason : List.of(ExitReason.normal(), SHUTDOWN, ExitReason.shutdown("test"),
                        ExitReason.of("other"))) {
                    racers.put(started(Supervisor.startChild(sup, Kids.spec(List.of(restart, reason))
                            .withRestart(restart).withShutdown(second))), reason);
                }
            }
            Pid z = started(Supervisor.startChild(sup, ChildSpec.worker("child_z", () -> {
                Pid supervisor = self();
                return new StartResult.Ok(spawn(SpawnOptions.defaults().link().trapExit(), () -> {
                    ExitReason why = receive(m -> m instanceof Exit(Pid from, ExitReason r) && from.equals(supervisor)
                            ? r : skip());
                    send(test, new Stopped("child_z", why));
                    receive(m -> "go".equals(m) ? m : skip());
                    throw exit(why);
                }));
            }).withRestart(Restart.TEMPORARY).withShutdown(Shutdown.timeout(Duration.ofSeconds(30)))));
            Map<Pid, Ref> monitors = new LinkedHashMap<>();
            for (Pid c : racers.keySet()) {
                monitors.put(c, monitor(c));
            }
            Ref ma = monitor(a);
            Ref mz = monitor(z);

            exit(sup, SHUTDOWN);
            awaitMessage(new Stopped("child_z", SHUTDOWN)); // the supervisor waits for child_z...
            racers.forEach((c, reason) -> send(c, new Kids.Stop(reason))); // ...while the others end
            racers.forEach((c, reason) -> assertThat(awaitDown(monitors.get(c)).reason()).isEqualTo(reason));
            send(z, "go");
            assertExits(sup, SHUTDOWN);
            assertThat(awaitDown(mz).reason()).isEqualTo(SHUTDOWN);
            assertThat(awaitDown(ma).reason()).isEqualTo(SHUTDOWN);
        });
    }

    // ---------------------------------------------------------------- child administration

    @Test
    void childAdm() throws Exception {
        asProcess(() -> {
            ChildSpec child = Kids.spec("child1");
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 2), List.of(child));
            Pid cpid = pidOf(sup, "child1");
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child1", cpid));
            assertCounts(sup, 1, 1, 0, 1);

            // start of an already running child
            assertThat(Supervisor.startChild(sup, child)).isEqualTo(new StartChildResult.AlreadyStarted(cpid));

            // termination
            assertThat(Supervisor.terminateChild(sup, "hej")).isEqualTo(new TerminateResult.NotFound());
            assertThatThrownBy(() -> Supervisor.terminateChild(Name.of("foo"), "child1"))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
            Ref m = monitor(cpid);
            assertThat(Supervisor.terminateChild(sup, "child1")).isEqualTo(new TerminateResult.Terminated());
            assertThat(awaitDown(m).reason()).isEqualTo(SHUTDOWN);
            assertThat(Supervisor.whichChildren(sup)).containsExactly(undefined("child1"));
            assertCounts(sup, 1, 0, 0, 1);
            // like deleting something that does not exist, it succeeds
            assertThat(Supervisor.terminateChild(sup, "child1")).isEqualTo(new TerminateResult.Terminated());

            // start of an existing child that is not running
            assertThat(Supervisor.startChild(sup, child)).isEqualTo(new StartChildResult.AlreadyPresent());

            // restart
            RestartResult restarted = Supervisor.restartChild(sup, "child1");
            assertThat(restarted).isInstanceOf(RestartResult.Restarted.class);
            Pid cpid2 = ((RestartResult.Restarted) restarted).pid();
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child1", cpid2));
            assertCounts(sup, 1, 1, 0, 1);
            assertThat(Supervisor.restartChild(sup, "child1")).isEqualTo(new RestartResult.Running());
            assertThat(Supervisor.restartChild(sup, "child2")).isEqualTo(new RestartResult.NotFound());

            // deletion
            assertThat(Supervisor.deleteChild(sup, "child1")).isEqualTo(new DeleteResult.Running());
            assertThat(Supervisor.deleteChild(sup, "hej")).isEqualTo(new DeleteResult.NotFound());
            assertThatThrownBy(() -> Supervisor.deleteChild(Name.of("foo"), "child1")).isInstanceOf(ExitException.class);
            assertThat(Supervisor.terminateChild(sup, "child1")).isEqualTo(new TerminateResult.Terminated());
            assertThat(Supervisor.deleteChild(sup, "child1")).isEqualTo(new DeleteResult.Deleted());
            assertThat(Supervisor.restartChild(sup, "child1")).isEqualTo(new RestartResult.NotFound());
            assertThat(Supervisor.whichChildren(sup)).isEmpty();
            assertCounts(sup, 0, 0, 0, 0);

            // start
            assertThatThrownBy(() -> Supervisor.startChild(Name.of("foo"), child)).isInstanceOf(ExitException.class);
            Pid cpid3 = started(Supervisor.startChild(sup, child));
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child1", cpid3));
            assertCounts(sup, 1, 1, 0, 1);
            assertThat(Supervisor.getChildSpec(sup, "child1")).contains(child);
            assertThat(Supervisor.getChildSpec(sup, "child4")).isEmpty();

            // terminating by pid is for dynamic supervisors only: a pid is not an id here
            assertThat(Supervisor.terminateChild(sup, cpid3)).isEqualTo(new TerminateResult.NotFound());
            assertThat(Supervisor.whichChildren(sup)).containsExactly(running("child1", cpid3));

            assertThatThrownBy(() -> Supervisor.whichChildren(Name.of("foo"))).isInstanceOf(ExitException.class);
            assertThatThrownBy(() -> Supervisor.countChildren(Name.of("foo"))).isInstanceOf(ExitException.class);
            shutdown(sup);
        });
    }

    // child_adm_simple is in DynamicSupervisorTest.

    @Test
    void childSpecs() throws Exception {
        asProcess(() -> {
            // bad fields are rejected when the spec is built
            assertThatThrownBy(() -> ChildSpec.worker(null, Kids::worker)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Kids.spec("c").withRestart(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Shutdown.timeout(Duration.ofMillis(-10)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
            // OTP's defaults
            ChildSpec worker = Kids.spec("w");
            assertThat(worker.restart()).isEqualTo(Restart.PERMANENT);
            assertThat(worker.shutdown()).isEqualTo(Shutdown.timeout(Duration.ofMillis(5000)));
            assertThat(worker.type()).isEqualTo(ChildType.WORKER);
            assertThat(worker.significant()).isFalse();
            ChildSpec sup = ChildSpec.supervisor("s", Kids::worker);
            assertThat(sup.shutdown()).isEqualTo(Shutdown.infinity());
            assertThat(sup.type()).isEqualTo(ChildType.SUPERVISOR);

            // rules over several fields or specs
            ChildSpec c1 = ChildSpec.supervisor("child", Kids::worker);
            ChildSpec c2 = Kids.spec("child").withShutdown(Shutdown.timeout(Duration.ofSeconds(1)));
            ChildSpec significantPermanent = Kids.spec("sp").withSignificant(true);
            ChildSpec significantTransient = Kids.spec("st").withSignificant(true).withRestart(Restart.TRANSIENT);
            assertThat(Supervisor.checkChildSpecs(List.of(c1))).isEmpty();
            assertThat(Supervisor.checkChildSpecs(List.of(c2, Kids.spec("other")))).isEmpty();
            assertThat(Supervisor.checkChildSpecs(List.of(c1, c2))).contains(new ChildSpecError.DuplicateId("child"));
            assertThat(Supervisor.checkChildSpecs(List.of(significantPermanent)))
                    .contains(new ChildSpecError.SignificantPermanent("sp"));
            assertThat(Supervisor.checkChildSpecs(List.of(significantTransient))).isEmpty();
            assertThat(Supervisor.checkChildSpecs(List.of(significantTransient), AutoShutdown.NEVER))
                    .contains(new ChildSpecError.SignificantWithoutAutoShutdown("st"));
            assertThat(Supervisor.checkChildSpecs(List.of(significantTransient), AutoShutdown.ANY_SIGNIFICANT)).isEmpty();

            // a supervisor checks what it is given
            Pid pid = startSup(Strategy.ONE_FOR_ONE, 2);
            assertThat(Supervisor.startChild(pid, significantTransient))
                    .isEqualTo(new StartChildResult.Invalid(new ChildSpecError.SignificantWithoutAutoShutdown("st")));
            shutdown(pid);
            assertThat(Supervisor.startLink(flags(Strategy.ONE_FOR_ONE, 2), List.of(c1, c2)))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new ChildSpecError.DuplicateId("child"))));
            assertThat(Supervisor.startLink(flags(Strategy.ONE_FOR_ONE, 2)
                            .withAutoShutdown(AutoShutdown.ANY_SIGNIFICANT), List.of(significantPermanent)))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new ChildSpecError.SignificantPermanent("sp"))));
        });
    }

    @Test
    void supFlags() throws Exception {
        assertThatThrownBy(() -> SupervisorFlags.oneForOne().withIntensity(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intensity");
        assertThatThrownBy(() -> SupervisorFlags.oneForOne().withPeriod(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
        assertThatThrownBy(() -> SupervisorFlags.of(null)).isInstanceOf(NullPointerException.class);
        SupervisorFlags defaults = SupervisorFlags.oneForOne();
        assertThat(defaults.intensity()).isEqualTo(1);
        assertThat(defaults.period()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.autoShutdown()).isEqualTo(AutoShutdown.NEVER);
        asProcess(() -> shutdown(startSup(SupervisorFlags.restForOne(), List.of())));
    }

    // ---------------------------------------------------------------- restart strategies

    @Test
    void multipleRestarts() throws Exception {
        asProcess(() -> {
            ManualTicker clock = new ManualTicker();
            SupervisorFlags f = SupervisorFlags.oneForOne().withIntensity(1).withPeriod(Duration.ofSeconds(1))
                    .withTicker(clock);
            Pid sup = startSup(f, List.of());
            Pid c = started(Supervisor.startChild(sup, Kids.spec("child1").withShutdown(Shutdown.brutalKill())));
            // terminate the child several times, never faster than the intensity allows
            Kids.terminate(c, ABNORMAL);
            for (int i = 0; i < 3; i++) {
                Pid next = pidOf(sup, "child1"); // a call: the supervisor has handled the exit before the clock moves
                clock.advance(Duration.ofMillis(2100));
                Kids.terminate(next, ABNORMAL);
            }
            assertThat(sup.isAlive()).isTrue();
            assertThat(Supervisor.terminateChild(sup, "child1")).isEqualTo(new TerminateResult.Terminated());
            assertThat(Supervisor.deleteChild(sup, "child1")).isEqualTo(new DeleteResult.Deleted());
            shutdown(sup);
        });
    }

    @Test
    void oneForOne() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2")));
            Kids.terminate(c1, ABNORMAL);
            List<ChildInfo> children = Supervisor.whichChildren(sup);
            assertThat(children).hasSize(2).contains(running("child2", c2));
            assertThat(pidOf(sup, "child1")).isNotEqualTo(c1);
            assertCounts(sup, 2, 2, 0, 2);
            // the restart intensity: a third restart within the period is one too many
            Kids.terminate(c2, ABNORMAL);
            Kids.terminate(pidOf(sup, "child1"), ABNORMAL);
            assertExits(sup, SHUTDOWN);
        });
    }

    @Test
    void oneForOneEscalation() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            asProcess(() -> {
                Pid sup = startSup(Strategy.ONE_FOR_ONE, 4);
                Pid c1 = started(Supervisor.startChild(sup, ChildSpec.worker("child1", Kids.onlyOnce())));
                Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2")));
                Ref m2 = monitor(c2);
                Kids.terminate(c1, ABNORMAL);
                // child1 never starts again: the retries exhaust the intensity and the supervisor gives up
                assertExits(sup, SHUTDOWN);
                assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
            });
            assertThat(log.count("reached_max_restart_intensity")).isEqualTo(1);
            assertThat(log.count("errorContext child_terminated")).isEqualTo(1);
            // the failed restart and its 3 retries; the 5th restart is over the intensity and not tried
            assertThat(log.count("errorContext start_error")).isEqualTo(4);
        }
    }

    @Test
    void oneForAll() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ALL, 2);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2")));
            Ref m2 = monitor(c2);
            Kids.terminate(c1, ABNORMAL);
            assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
            List<ChildInfo> children = Supervisor.whichChildren(sup);
            assertThat(children).hasSize(2);
            assertThat(children).extracting(c -> c.pid().orElseThrow()).doesNotContain(c1, c2);
            assertCounts(sup, 2, 2, 0, 2);
            // the restart intensity
            Kids.terminate(Supervisor.whichChildren(sup).getFirst().pid().orElseThrow(), ABNORMAL);
            Kids.terminate(Supervisor.whichChildren(sup).getFirst().pid().orElseThrow(), ABNORMAL);
            assertExits(sup, SHUTDOWN);
        });
    }

    @Test
    void oneForAllEscalation() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ALL, 4);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, ChildSpec.worker("child2", Kids.onlyOnce())));
            Ref m2 = monitor(c2);
            Kids.terminate(c1, ABNORMAL);
            assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
            assertExits(sup, SHUTDOWN);
        });
    }

    /** Sent by a {@link Controlled} child's init to the test, which answers with {@link Go}. */
    record Starting(Object id, Pid pid) {}

    record Go(boolean ok) {}

    /** A GenServer child whose init waits for the test's word (OTP: supervisor_3). */
    record Controlled(Object id, Pid test) implements GenServer<Object, Object, Object> {
        @Override
        public Init<Object> init() {
            send(test, new Starting(id, self()));
            Go go = receive(Go.class, WAIT).orElse(new Go(false));
            return go.ok() ? Init.ok("state") : Init.stop(ExitReason.normal());
        }
    }

    private static ChildSpec controlled(Object id, Pid test) {
        return ChildSpec.worker(id, () -> GenServer.startLink(new Controlled(id, test)));
    }

    private static Pid awaitStarting(Object id) {
        Starting s = await(Starting.class);
        assertThat(s.id()).isEqualTo(id);
        return s.pid();
    }

    /** The supervisor is started by a helper process, since its start waits for the test's answers. */
    record Helper(Pid sup, Pid starter) {}

    private static Helper startedByHelper(SupervisorFlags flags, List<ChildSpec> children, Pid test) {
        record SupIs(Pid sup) {}
        Pid starter = spawnLink(() -> {
            Pid sup = Supervisor.startLink(flags, children).orElseThrow();
            send(test, new SupIs(sup));
            receive(m -> m instanceof String s && s.equals("stop") ? s : skip());
        });
        send(awaitStarting("child1"), new Go(true));
        send(awaitStarting("child2"), new Go(true));
        return new Helper(await(SupIs.class).sup(), starter);
    }

    @Test
    void oneForAllOtherChildFailsRestart() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Helper helper = startedByHelper(flags(Strategy.ONE_FOR_ALL, 3),
                    List.of(controlled("child1", me), controlled("child2", me)), me);
            Pid sup = helper.sup();
            Pid starter = helper.starter();
            Ref supMon = monitor(sup);
            exit(pidOf(sup, "child1"), ExitReason.of("die"));
            // child1 restarts, child2 does not
            Pid child1b = awaitStarting("child1");
            Ref m1 = monitor(child1b);
            send(child1b, new Go(true));
            send(awaitStarting("child2"), new Go(false));
            // the retry terminates the restarted child1 and starts both again
            assertThat(awaitDown(m1).reason()).isEqualTo(SHUTDOWN);
            send(awaitStarting("child1"), new Go(true));
            send(awaitStarting("child2"), new Go(true));
            assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::status)
                    .allMatch(s -> s instanceof Status.Running);
            send(starter, "stop");
            awaitExit(starter);
            assertThat(awaitDown(supMon).reason()).isEqualTo(ExitReason.normal());
        });
    }

    @Test
    void restForOne() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.REST_FOR_ONE, 2);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, Kids.spec("child2")));
            Pid c3 = started(Supervisor.startChild(sup, Kids.spec("child3")));
            Ref m3 = monitor(c3);
            Kids.terminate(c2, ABNORMAL);
            assertThat(awaitDown(m3).reason()).isEqualTo(SHUTDOWN);
            List<ChildInfo> children = Supervisor.whichChildren(sup);
            assertThat(children).hasSize(3).contains(running("child1", c1));
            assertThat(children).extracting(c -> c.pid().orElseThrow()).doesNotContain(c2, c3);
            assertCounts(sup, 3, 3, 0, 3);
            // the restart intensity
            Kids.terminate(pidOf(sup, "child2"), ABNORMAL);
            Kids.terminate(pidOf(sup, "child3"), ABNORMAL);
            assertExits(sup, SHUTDOWN);
        });
    }

    @Test
    void restForOneEscalation() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.REST_FOR_ONE, 4);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1")));
            Pid c2 = started(Supervisor.startChild(sup, ChildSpec.worker("child2", Kids.onlyOnce())));
            Ref m2 = monitor(c2);
            Kids.terminate(c1, ABNORMAL);
            assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
            assertExits(sup, SHUTDOWN);
        });
    }

    @Test
    void restForOneOtherChildFailsRestart() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Helper helper = startedByHelper(flags(Strategy.REST_FOR_ONE, 3),
                    List.of(controlled("child1", me), controlled("child2", me)), me);
            Pid sup = helper.sup();
            Pid starter = helper.starter();
            Ref supMon = monitor(sup);
            exit(pidOf(sup, "child1"), ExitReason.of("die"));
            Pid child1b = awaitStarting("child1");
            send(child1b, new Go(true));
            send(awaitStarting("child2"), new Go(false));
            // the retry restarts child2 only: child1 was started before it
            send(awaitStarting("child2"), new Go(true));
            assertThat(pidOf(sup, "child1")).isEqualTo(child1b);
            assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::status)
                    .allMatch(s -> s instanceof Status.Running);
            send(starter, "stop");
            awaitExit(starter);
            assertThat(awaitDown(supMon).reason()).isEqualTo(ExitReason.normal());
        });
    }

    // ---------------------------------------------------------------- restart types

    private void restartType(Restart restart, ExitReason reason, boolean restarted, boolean kept) throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1").withRestart(restart)));
            Kids.terminate(c1, reason);
            List<ChildInfo> children = Supervisor.whichChildren(sup);
            if (restarted) {
                assertThat(children).hasSize(1);
                assertThat(children.getFirst().pid()).isPresent().get().isNotEqualTo(c1);
                assertCounts(sup, 1, 1, 0, 1);
            } else if (kept) {
                assertThat(children).containsExactly(undefined("child1"));
                assertCounts(sup, 1, 0, 0, 1);
            } else {
                assertThat(children).isEmpty();
                assertCounts(sup, 0, 0, 0, 0);
            }
            shutdown(sup);
        });
    }

    @Test
    void permanentNormal() throws Exception {
        restartType(Restart.PERMANENT, ExitReason.normal(), true, true);
    }

    @Test
    void transientNormal() throws Exception {
        restartType(Restart.TRANSIENT, ExitReason.normal(), false, true);
    }

    @Test
    void temporaryNormal() throws Exception {
        restartType(Restart.TEMPORARY, ExitReason.normal(), false, false);
    }

    @Test
    void permanentShutdown() throws Exception {
        restartType(Restart.PERMANENT, SHUTDOWN, true, true);
        restartType(Restart.PERMANENT, ExitReason.shutdown("some_info"), true, true);
    }

    @Test
    void transientShutdown() throws Exception {
        restartType(Restart.TRANSIENT, SHUTDOWN, false, true);
        restartType(Restart.TRANSIENT, ExitReason.shutdown("some_info"), false, true);
    }

    @Test
    void temporaryShutdown() throws Exception {
        restartType(Restart.TEMPORARY, SHUTDOWN, false, false);
        restartType(Restart.TEMPORARY, ExitReason.shutdown("some_info"), false, false);
    }

    @Test
    void permanentAbnormal() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            restartType(Restart.PERMANENT, ABNORMAL, true, true);
            assertThat(log.count("errorContext child_terminated, reason abnormal")).isEqualTo(1);
        }
    }

    @Test
    void transientAbnormal() throws Exception {
        restartType(Restart.TRANSIENT, ABNORMAL, true, true);
    }

    @Test
    void temporaryAbnormal() throws Exception {
        restartType(Restart.TEMPORARY, ABNORMAL, false, false);
    }

    @Test
    void temporaryBystander() throws Exception {
        asProcess(() -> {
            ChildSpec child1 = Kids.spec("child1").withShutdown(Shutdown.timeout(Duration.ofMillis(100)));
            ChildSpec child2 = Kids.spec("child2").withRestart(Restart.TEMPORARY)
                    .withShutdown(Shutdown.timeout(Duration.ofMillis(100)));
            for (Strategy strategy : List.of(Strategy.ONE_FOR_ALL, Strategy.REST_FOR_ONE)) {
                Pid sup = startSup(strategy, 2);
                Pid c1 = started(Supervisor.startChild(sup, child1));
                Pid c2 = started(Supervisor.startChild(sup, child2));
                Ref m2 = monitor(c2);
                Kids.terminate(c1, ExitReason.normal());
                assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
                // the temporary bystander is not restarted (its spec is gone), so no restart loop
                assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id).containsExactly("child1");
                assertThat(sup.isAlive()).isTrue();
                shutdown(sup);
            }
        });
    }

    // ---------------------------------------------------------------- significant children

    private static SupervisorFlags autoShutdown(AutoShutdown autoShutdown) {
        return flags(Strategy.ONE_FOR_ONE, 2).withAutoShutdown(autoShutdown);
    }

    @Test
    void significantTemporary() throws Exception {
        asProcess(() -> {
            ChildSpec child = Kids.spec("child").withRestart(Restart.TEMPORARY).withSignificant(true);
            for (ExitReason reason : List.of(ExitReason.normal(), SHUTDOWN, ABNORMAL)) {
                Pid sup = startSup(autoShutdown(AutoShutdown.ANY_SIGNIFICANT), List.of(child));
                Kids.terminate(pidOf(sup, "child"), reason);
                assertExits(sup, SHUTDOWN);
            }
            // terminated by the supervisor's API: no auto-shutdown
            Pid sup = startSup(autoShutdown(AutoShutdown.ANY_SIGNIFICANT), List.of(child));
            assertThat(Supervisor.terminateChild(sup, "child")).isEqualTo(new TerminateResult.Terminated());
            assertThat(Supervisor.whichChildren(sup)).isEmpty();
            shutdown(sup);
        });
    }

    @Test
    void significantTransient() throws Exception {
        asProcess(() -> {
            ChildSpec child = Kids.spec("child").withRestart(Restart.TRANSIENT).withSignificant(true);
            for (ExitReason reason : List.of(ExitReason.normal(), SHUTDOWN, ExitReason.shutdown("x"))) {
                Pid sup = startSup(autoShutdown(AutoShutdown.ANY_SIGNIFICANT), List.of(child));
                Kids.terminate(pidOf(sup, "child"), reason);
                assertExits(sup, SHUTDOWN);
            }
            // an abnormal exit restarts it instead
            Pid sup = startSup(autoShutdown(AutoShutdown.ANY_SIGNIFICANT), List.of(child));
            Pid c = pidOf(sup, "child");
            Kids.terminate(c, ABNORMAL);
            assertThat(pidOf(sup, "child")).isNotEqualTo(c);
            shutdown(sup);
        });
    }

    // significant_simple is in DynamicSupervisorTest.

    @Test
    void significantBystander() throws Exception {
        asProcess(() -> {
            // all_significant: the supervisor stays while a significant child runs
            ChildSpec s1 = Kids.spec("s1").withRestart(Restart.TRANSIENT).withSignificant(true);
            ChildSpec s2 = Kids.spec("s2").withRestart(Restart.TEMPORARY).withSignificant(true);
            ChildSpec bystander = Kids.spec("bystander");
            Pid sup = startSup(autoShutdown(AutoShutdown.ALL_SIGNIFICANT), List.of(s1, s2, bystander));
            Kids.terminate(pidOf(sup, "s1"), ExitReason.normal());
            assertThat(Supervisor.whichChildren(sup)).hasSize(3);
            Kids.terminate(pidOf(sup, "s2"), ExitReason.normal());
            assertExits(sup, SHUTDOWN);

            // a significant child terminated as a bystander of a one_for_all restart does not count
            Pid sup2 = startSup(flags(Strategy.ONE_FOR_ALL, 2).withAutoShutdown(AutoShutdown.ANY_SIGNIFICANT),
                    List.of(s1, bystander));
            Pid sig = pidOf(sup2, "s1");
            Ref m = monitor(sig);
            Kids.terminate(pidOf(sup2, "bystander"), ABNORMAL);
            assertThat(awaitDown(m).reason()).isEqualTo(SHUTDOWN);
            assertThat(Supervisor.whichChildren(sup2)).hasSize(2).allMatch(c -> c.pid().isPresent());
            assertThat(sup2.isAlive()).isTrue();
            shutdown(sup2);
        });
    }

    @Test
    void significantEscalation() throws Exception {
        asProcess(() -> {
            ChildSpec worker = Kids.spec("worker").withRestart(Restart.TRANSIENT).withSignificant(true);
            SupervisorFlags any = autoShutdown(AutoShutdown.ANY_SIGNIFICANT);
            ChildSpec inner = ChildSpec.supervisor("inner", () -> Supervisor.startLink(any, List.of(worker)))
                    .withRestart(Restart.TRANSIENT).withSignificant(true);
            Pid outer = startSup(any, List.of(inner));
            Pid innerPid = pidOf(outer, "inner");
            Ref mi = monitor(innerPid);
            Kids.terminate(pidOf(innerPid, "worker"), ExitReason.normal());
            // the inner supervisor shuts down, a significant exit for the outer one, which shuts down too
            assertThat(awaitDown(mi).reason()).isEqualTo(SHUTDOWN);
            assertExits(outer, SHUTDOWN);
        });
    }

    // ---------------------------------------------------------------- misc

    @Test
    void childUnlink() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            // a naughty child: it unlinks itself from its supervisor, so no Exit will ever come
            ChildSpec naughty = ChildSpec.worker("naughty_child", () -> {
                Pid parent = self();
                Pid child = spawnLink(() -> {
                    unlink(parent);
                    send(parent, "unlinked");
                    blockForever();
                });
                receive(m -> "unlinked".equals(m) ? m : skip(), WAIT).orElseThrow();
                return new StartResult.Ok(child);
            });
            Pid child = started(Supervisor.startChild(sup, naughty));
            Ref m = monitor(child);
            // bounded: the supervisor waits for the child's Down, not for an Exit
            Object answer = GenServer.call(sup, new SupervisorServer.Call.TerminateChild("naughty_child"), WAIT);
            assertThat(answer).isEqualTo(new TerminateResult.Terminated());
            assertThat(awaitDown(m).reason()).isEqualTo(SHUTDOWN);
            send(sup, "foo"); // handled (logged and dropped) because the supervisor did not hang
            assertThat(Supervisor.whichChildren(sup)).containsExactly(undefined("naughty_child"));
            eventually("the supervisor's mailbox is empty", () -> info(sup).orElseThrow().messageQueueLength() == 0);
            shutdown(sup);
        });
    }

    @Test
    void tree() throws Exception {
        asProcess(() -> {
            // a supervisor of two supervisors of two workers each
            SupervisorFlags leafFlags = flags(Strategy.ONE_FOR_ALL, 1);
            ChildSpec left = ChildSpec.supervisor("left",
                    () -> Supervisor.startLink(leafFlags, List.of(Kids.spec("w1"), Kids.spec("w2"))));
            ChildSpec right = ChildSpec.supervisor("right",
                    () -> Supervisor.startLink(leafFlags, List.of(Kids.spec("w3"), Kids.spec("w4"))));
            Pid top = startSup(flags(Strategy.ONE_FOR_ONE, 4), List.of(left, right));
            assertCounts(top, 2, 2, 2, 0);
            Pid leftPid = pidOf(top, "left");
            Pid rightPid = pidOf(top, "right");
            assertCounts(leftPid, 2, 2, 0, 2);

            // the left one gives up after two restarts; the top one restarts it with new workers
            Ref ml = monitor(leftPid);
            Kids.terminate(pidOf(leftPid, "w1"), ABNORMAL);
            Kids.terminate(pidOf(leftPid, "w2"), ABNORMAL);
            assertThat(awaitDown(ml).reason()).isEqualTo(SHUTDOWN);
            Pid leftPid2 = pidOf(top, "left");
            assertThat(leftPid2).isNotEqualTo(leftPid);
            assertCounts(leftPid2, 2, 2, 0, 2);
            assertThat(pidOf(top, "right")).isEqualTo(rightPid);

            // shutting the top down stops the whole tree, leaves first
            List<Ref> all = new ArrayList<>();
            for (Pid sup : List.of(leftPid2, rightPid)) {
                all.add(monitor(sup));
                for (ChildInfo c : Supervisor.whichChildren(sup)) {
                    all.add(monitor(c.pid().orElseThrow()));
                }
            }
            shutdown(top);
            for (Ref r : all) {
                assertThat(awaitDown(r).reason()).isEqualTo(SHUTDOWN);
            }
        });
    }

    @Test
    void countChildren() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(Strategy.ONE_FOR_ONE, 2);
            for (int i = 0; i < 100; i++) {
                started(Supervisor.startChild(sup, Kids.spec("w" + i)));
            }
            for (int i = 0; i < 10; i++) {
                started(Supervisor.startChild(sup, ChildSpec.supervisor("s" + i, Kids::worker)));
            }
            assertCounts(sup, 110, 110, 10, 100);
            for (int i = 0; i < 50; i++) {
                assertThat(Supervisor.terminateChild(sup, "w" + i)).isEqualTo(new TerminateResult.Terminated());
            }
            assertCounts(sup, 110, 60, 10, 100);
            for (int i = 0; i < 50; i++) {
                assertThat(Supervisor.deleteChild(sup, "w" + i)).isEqualTo(new DeleteResult.Deleted());
            }
            assertCounts(sup, 60, 60, 10, 50);
            shutdown(sup);
        });
    }

    /** Sends {@code request} to the supervisor without waiting, then lets the blocked restart attempt go on. */
    private static RequestId whileRestarting(Pid sup, Object request, boolean startNow) {
        RequestId id = GenServer.sendRequest(sup, request);
        send(sup, new Proceed(startNow));
        return id;
    }

    private static Object reply(RequestId id) {
        Response r = GenServer.receiveResponse(id, WAIT);
        assertThat(r).isInstanceOf(Response.Reply.class);
        return ((Response.Reply) r).value();
    }

    @Test
    void countRestartingChildren() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 10), List.of(Kids.gated("child1", me), Kids.spec("child2")));
            Kids.terminate(pidOf(sup, "child1"), ABNORMAL);
            awaitMessage(new Attempt("child1")); // the supervisor is blocked in the restart attempt
            RequestId counts = whileRestarting(sup, new Inspect.CountChildren(), false);
            awaitMessage(new Attempt("child1")); // the retry, after the count was answered
            assertThat(reply(counts)).isEqualTo(new ChildCounts(2, 1, 0, 2));
            send(sup, new Proceed(true)); // this attempt succeeds
            assertCounts(sup, 2, 2, 0, 2);
            shutdown(sup);
        });
    }

    @Test
    void hangingRestartLoop() throws Exception {
        asProcess(() -> {
            Pid me = self();
            ManualTicker clock = new ManualTicker();
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 8).withTicker(clock), List.of());
            ChildSpec child1 = Kids.gated("child1", me).withShutdown(Shutdown.brutalKill());
            Pid c1 = started(Supervisor.startChild(sup, child1));
            Kids.terminate(c1, ExitReason.of("error"));
            awaitMessage(new Attempt("child1"));

            // the supervisor answers between attempts: it is not stuck in the restart loop
            RequestId r1 = whileRestarting(sup, new SupervisorServer.Call.StartChild(child1), false);
            awaitMessage(new Attempt("child1"));
            assertThat(reply(r1)).isEqualTo(new StartChildResult.AlreadyPresent());
            RequestId r2 = whileRestarting(sup, new SupervisorServer.Call.RestartChild("child1"), false);
            awaitMessage(new Attempt("child1"));
            assertThat(reply(r2)).isEqualTo(new RestartResult.Restarting());
            RequestId r3 = whileRestarting(sup, new SupervisorServer.Call.DeleteChild("child1"), false);
            awaitMessage(new Attempt("child1"));
            assertThat(reply(r3)).isEqualTo(new DeleteResult.Restarting());
            RequestId r4 = whileRestarting(sup, new Inspect.WhichChildren(), false);
            awaitMessage(new Attempt("child1"));
            assertThat(reply(r4)).isEqualTo(List.of(restarting("child1")));
            // terminateChild ends the loop
            RequestId r5 = whileRestarting(sup, new SupervisorServer.Call.TerminateChild("child1"), false);
            assertThat(reply(r5)).isEqualTo(new TerminateResult.Terminated());
            assertThat(Supervisor.whichChildren(sup)).containsExactly(undefined("child1"));
            assertThat(pollMatching(m -> m instanceof Attempt)).isFalse();

            // a restart loop does not keep the supervisor from shutting down
            clock.advance(Duration.ofHours(2));
            RequestId r6 = GenServer.sendRequest(sup, new SupervisorServer.Call.RestartChild("child1"));
            awaitMessage(new Attempt("child1"));
            send(sup, new Proceed(true));
            assertThat(reply(r6)).isInstanceOf(RestartResult.Restarted.class);
            Kids.terminate(pidOf(sup, "child1"), ExitReason.of("error"));
            awaitMessage(new Attempt("child1"));
            exit(sup, SHUTDOWN);
            send(sup, new Proceed(false));
            assertExits(sup, SHUTDOWN);
        });
    }

    @Test
    void hangingRestartLoopRestForOne() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Pid sup = startSup(flags(Strategy.REST_FOR_ONE, 8), List.of());
            Pid c1 = started(Supervisor.startChild(sup, Kids.spec("child1").withShutdown(Shutdown.brutalKill())));
            ChildSpec child2 = Kids.gated("child2", me).withShutdown(Shutdown.brutalKill());
            Pid c2 = started(Supervisor.startChild(sup, child2));
            Pid c3 = started(Supervisor.startChild(sup, Kids.spec("child3").withShutdown(Shutdown.brutalKill())));
            Ref m3 = monitor(c3);
            Kids.terminate(c2, ExitReason.of("error"));
            assertThat(awaitDown(m3).reason()).isEqualTo(ExitReason.killed());
            awaitMessage(new Attempt("child2"));

            RequestId r1 = whileRestarting(sup, new SupervisorServer.Call.StartChild(child2), false);
            awaitMessage(new Attempt("child2"));
            assertThat(reply(r1)).isEqualTo(new StartChildResult.AlreadyPresent());
            RequestId r2 = whileRestarting(sup, new SupervisorServer.Call.RestartChild("child2"), false);
            awaitMessage(new Attempt("child2"));
            assertThat(reply(r2)).isEqualTo(new RestartResult.Restarting());
            RequestId r3 = whileRestarting(sup, new Inspect.WhichChildren(), false);
            awaitMessage(new Attempt("child2"));
            assertThat(reply(r3)).isEqualTo(List.of(undefined("child3"), restarting("child2"), running("child1", c1)));
            RequestId r4 = whileRestarting(sup, new Inspect.CountChildren(), false);
            awaitMessage(new Attempt("child2"));
            assertThat(reply(r4)).isEqualTo(new ChildCounts(3, 1, 0, 3));
            RequestId r5 = whileRestarting(sup, new SupervisorServer.Call.TerminateChild("child2"), false);
            assertThat(reply(r5)).isEqualTo(new TerminateResult.Terminated());
            assertThat(Supervisor.whichChildren(sup))
                    .containsExactly(undefined("child3"), undefined("child2"), running("child1", c1));
            shutdown(sup);
        });
    }

    @Test
    void orderOfChildren() throws Exception {
        asProcess(() -> {
            Pid me = self();
            List<ChildSpec> specs = List.of(Kids.observed("c1", me), Kids.observed("c2", me), Kids.observed("c3", me));
            for (Strategy strategy : List.of(Strategy.ONE_FOR_ALL, Strategy.REST_FOR_ONE)) {
                Pid sup = startSup(flags(strategy, 10), specs);
                assertThat(List.of(await(Started.class), await(Started.class), await(Started.class)))
                        .containsExactly(new Started("c1"), new Started("c2"), new Started("c3"));
                Kids.terminate(pidOf(sup, "c2"), ABNORMAL);
                // the others are terminated in reverse start order, then all restarted in start order
                List<Object> events = new ArrayList<>();
                int expected = strategy == Strategy.ONE_FOR_ALL ? 5 : 3;
                for (int i = 0; i < expected; i++) {
                    events.add(awaitMatching("a child event", m -> m instanceof Started || m instanceof Stopped));
                }
                if (strategy == Strategy.ONE_FOR_ALL) {
                    assertThat(events).containsExactly(new Stopped("c3", SHUTDOWN), new Stopped("c1", SHUTDOWN),
                            new Started("c1"), new Started("c2"), new Started("c3"));
                } else {
                    assertThat(events).containsExactly(new Stopped("c3", SHUTDOWN), new Started("c2"),
                            new Started("c3"));
                }
                // the order is kept
                assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id).containsExactly("c3", "c2", "c1");
                shutdown(sup);
                assertThat(List.of(await(Stopped.class), await(Stopped.class), await(Stopped.class)))
                        .containsExactly(new Stopped("c3", SHUTDOWN), new Stopped("c2", SHUTDOWN),
                                new Stopped("c1", SHUTDOWN));
            }
        });
    }

    @Test
    void scaleStartStopManyChildren() throws Exception {
        asProcess(() -> {
            int n = 2000;
            List<ChildSpec> specs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                specs.add(Kids.spec(i));
            }
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 2), specs);
            assertCounts(sup, n, n, 0, n);
            for (int i = 0; i < n; i++) {
                started(Supervisor.startChild(sup, Kids.spec("extra" + i)));
            }
            assertCounts(sup, 2 * n, 2 * n, 0, 2 * n);
            shutdown(sup);
        });
    }

    @Test
    void whichChildren() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 10), List.of(
                    Kids.spec("running"),
                    ChildSpec.worker("ignored", Kids::ignore),
                    ChildSpec.supervisor("sup", Kids::worker),
                    Kids.gated("restarting", me),
                    Kids.spec("terminated")));
            assertThat(Supervisor.terminateChild(sup, "terminated")).isEqualTo(new TerminateResult.Terminated());
            Kids.terminate(pidOf(sup, "restarting"), ABNORMAL);
            awaitMessage(new Attempt("restarting"));
            RequestId which = whileRestarting(sup, new Inspect.WhichChildren(), false);
            awaitMessage(new Attempt("restarting"));
            @SuppressWarnings("unchecked")
            List<ChildInfo> children = (List<ChildInfo>) reply(which);
            assertThat(children).containsExactly(
                    undefined("terminated"),
                    restarting("restarting"),
                    new ChildInfo("sup", new Status.Running(children.get(2).pid().orElseThrow()), ChildType.SUPERVISOR),
                    undefined("ignored"),
                    running("running", children.get(4).pid().orElseThrow()));
            send(sup, new Proceed(true));
            assertThat(Supervisor.whichChildren(sup).get(1).pid()).isPresent();
            shutdown(sup);
        });
    }

    @Test
    void namedSupervisor() throws Exception {
        asProcess(() -> {
            Pid sup = Supervisor.startLink(flags(Strategy.ONE_FOR_ONE, 1), List.of(Kids.spec("a")),
                    StartOptions.named("sup_test")).orElseThrow();
            assertThat(whereis("sup_test")).contains(sup);
            assertCounts(sup, 1, 1, 0, 1);
            assertThat(Supervisor.countChildren(Name.of("sup_test"))).isEqualTo(new ChildCounts(1, 1, 0, 1));
            Pid stopper = spawn(() -> Supervisor.stop(Name.of("sup_test")));
            assertThat(awaitExit(sup).reason()).isEqualTo(ExitReason.normal());
            awaitDeath(stopper);
        });
    }

    @Test
    void genServerChildren() throws Exception {
        asProcess(() -> {
            // the canonical child: a GenServer started with startLink from the start function
            record Counter() implements GenServer<Integer, Object, Object> {
                @Override
                public Init<Integer> init() {
                    return Init.ok(0);
                }

                @Override
                public io.jarl.server.CallResult<Integer> handleCall(Object request, io.jarl.server.From from, Integer n) {
                    return io.jarl.server.CallResult.reply(n + 1, n + 1);
                }
            }
            Pid sup = startSup(flags(Strategy.ONE_FOR_ONE, 1),
                    List.of(ChildSpec.worker("counter", () -> GenServer.startLink(new Counter()))));
            Pid counter = pidOf(sup, "counter");
            assertThat(GenServer.call(counter, "next")).isEqualTo(1);
            Kids.terminate(counter, ExitReason.kill());
            Pid counter2 = pidOf(sup, "counter");
            assertThat(GenServer.call(counter2, "next")).isEqualTo(1); // a restart starts afresh
            Ref m = monitor(counter2);
            shutdown(sup);
            Down down = awaitDown(m);
            assertThat(down.reason()).isEqualTo(SHUTDOWN);
            assertThat(Optional.of(counter2.isAlive())).contains(false);
        });
    }
}
