package io.jarl.supervisor;

import static io.jarl.Jarl.*;
import static io.jarl.supervisor.Kids.ABNORMAL;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DynamicSupervisor, after the simple_one_for_one cases of OTP's supervisor_SUITE (case names in
 * camelCase) and Elixir's DynamicSupervisor tests.
 */
@ExtendWith(NoLeakedProcesses.class)
class DynamicSupervisorTest {

    private static final ExitReason SHUTDOWN = ExitReason.shutdown();

    interface Body {
        void run() throws Exception;
    }

    private static void asProcess(Body body) throws Exception {
        try (var me = attach()) {
            trapExit(true);
            body.run();
        }
    }

    private static DynamicSupervisorOptions options(int intensity) {
        return DynamicSupervisorOptions.defaults().withIntensity(intensity).withPeriod(Duration.ofHours(1))
                .withTicker(new ManualTicker());
    }

    private static Pid startSup(DynamicSupervisorOptions options) {
        return DynamicSupervisor.startLink(options).orElseThrow();
    }

    private static Pid started(StartChildResult result) {
        assertThat(result).isInstanceOf(StartChildResult.Started.class);
        return result.orElseThrow();
    }

    private static List<Pid> pids(Pid sup) {
        return DynamicSupervisor.whichChildren(sup).stream().map(c -> c.pid().orElseThrow()).toList();
    }

    private static void assertCounts(Pid sup, int specs, int active, int supervisors, int workers) {
        assertThat(DynamicSupervisor.countChildren(sup)).isEqualTo(new ChildCounts(specs, active, supervisors, workers));
    }

    private static void shutdown(Pid sup) {
        exit(sup, SHUTDOWN);
        assertThat(awaitExit(sup).reason()).isEqualTo(SHUTDOWN);
    }

    @Test
    void childAdmSimple() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2));
            assertThat(DynamicSupervisor.whichChildren(sup)).isEmpty();
            assertCounts(sup, 0, 0, 0, 0);

            assertThatThrownBy(() -> DynamicSupervisor.startChild(Name.of("foo"), Kids.spec("child")))
                    .isInstanceOf(ExitException.class);
            Pid c1 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            assertThat(DynamicSupervisor.whichChildren(sup))
                    .containsExactly(new ChildInfo("child", new ChildInfo.Status.Running(c1), ChildType.WORKER));
            assertCounts(sup, 1, 1, 0, 1);
            Pid c2 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            assertThat(pids(sup)).containsExactly(c1, c2);
            assertCounts(sup, 2, 2, 0, 2);

            // termination is by pid
            Ref m1 = monitor(c1);
            assertThat(DynamicSupervisor.terminateChild(sup, c1)).isEqualTo(new TerminateResult.Terminated());
            assertThat(awaitDown(m1).reason()).isEqualTo(SHUTDOWN);
            assertThat(pids(sup)).containsExactly(c2);
            assertCounts(sup, 1, 1, 0, 1);
            // a pid that is no (longer a) child is not found, and left alone
            assertThat(DynamicSupervisor.terminateChild(sup, c1)).isEqualTo(new TerminateResult.NotFound());
            Pid stranger = spawnLink(io.jarl.testing.ProcessTesting::blockForever);
            assertThat(DynamicSupervisor.terminateChild(sup, stranger)).isEqualTo(new TerminateResult.NotFound());
            assertThat(stranger.isAlive()).isTrue();
            kill(stranger);
            awaitExit(stranger);
            // an ignored child is not kept
            assertThat(DynamicSupervisor.startChild(sup, ChildSpec.worker("i", Kids::ignore)))
                    .isEqualTo(new StartChildResult.Ignored());
            assertCounts(sup, 1, 1, 0, 1);
            shutdown(sup);
        });
    }

    /** Elixir: Supervisor.which_children/1 and count_children/1 work on a DynamicSupervisor. */
    @Test
    void supervisorInspectionWorksOnADynamicSupervisor() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2));
            Pid c1 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            assertThat(Supervisor.whichChildren(sup))
                    .containsExactly(new ChildInfo("child", new ChildInfo.Status.Running(c1), ChildType.WORKER));
            assertThat(Supervisor.countChildren(sup)).isEqualTo(DynamicSupervisor.countChildren(sup));
            assertThat(sup.isAlive()).isTrue();
            DynamicSupervisor.stop(sup);
        });
    }

    @Test
    void simpleOneForOne() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2));
            Pid c1 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            Pid c2 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            Kids.terminate(c1, ABNORMAL);
            List<Pid> children = pids(sup);
            assertThat(children).hasSize(2).contains(c2).doesNotContain(c1);
            assertCounts(sup, 2, 2, 0, 2);
            // the restart intensity
            Kids.terminate(c2, ABNORMAL);
            Kids.terminate(pids(sup).getFirst(), ABNORMAL);
            assertThat(awaitExit(sup).reason()).isEqualTo(SHUTDOWN);
        });
    }

    @Test
    void simpleOneForOneShutdown() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2));
            Shutdown timeout = Shutdown.timeout(Duration.ofMillis(100));
            List<Ref> orderly = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                orderly.add(monitor(started(DynamicSupervisor.startChild(sup, Kids.spec("w").withShutdown(timeout)))));
            }
            // these ignore the shutdown and are killed when their timeout is over
            List<Ref> stubborn = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Pid p = started(DynamicSupervisor.startChild(sup, Kids.spec("h").withShutdown(timeout)));
                send(p, new Kids.Hang());
                eventually("hanging child traps exits", () -> info(p).map(x -> x.trapExit()).orElse(false));
                stubborn.add(monitor(p));
            }
            Ref brutal = monitor(started(DynamicSupervisor.startChild(sup,
                    Kids.spec("b").withShutdown(Shutdown.brutalKill()))));
            shutdown(sup);
            for (Ref r : orderly) {
                assertThat(awaitDown(r).reason()).isEqualTo(SHUTDOWN);
            }
            for (Ref r : stubborn) {
                assertThat(awaitDown(r).reason()).isEqualTo(ExitReason.killed());
            }
            assertThat(awaitDown(brutal).reason()).isEqualTo(ExitReason.killed());
        });
    }

    /** Sent to the test by the start function of {@link #simpleOneForOneExtra}. */
    record StartedWith(List<Object> arguments) {}

    @Test
    void simpleOneForOneExtra() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Pid sup = startSup(options(2).withExtraArguments(List.of("extra", 42)));
            ChildSpec spec = ChildSpec.worker("child", args -> {
                send(me, new StartedWith(args));
                return Kids.worker();
            });
            Pid c1 = started(DynamicSupervisor.startChild(sup, spec));
            assertThat(await(StartedWith.class).arguments()).containsExactly("extra", 42);
            Pid c2 = started(DynamicSupervisor.startChild(sup, spec));
            await(StartedWith.class);
            // a restart gets the same arguments again
            Kids.terminate(c1, ABNORMAL);
            assertThat(await(StartedWith.class).arguments()).containsExactly("extra", 42);
            assertThat(pids(sup)).hasSize(2).contains(c2);
            assertCounts(sup, 2, 2, 0, 2);
            Kids.terminate(c2, ABNORMAL);
            await(StartedWith.class);
            Kids.terminate(pids(sup).getFirst(), ABNORMAL);
            assertThat(awaitExit(sup).reason()).isEqualTo(SHUTDOWN);
        });
    }

    @Test
    void simpleOneForOneEscalation() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(4));
            Pid c1 = started(DynamicSupervisor.startChild(sup, ChildSpec.worker("child", Kids.onlyOnce())));
            Pid c2 = started(DynamicSupervisor.startChild(sup, Kids.spec("child")));
            Ref m2 = monitor(c2);
            Kids.terminate(c1, ABNORMAL);
            assertThat(awaitExit(sup).reason()).isEqualTo(SHUTDOWN);
            assertThat(awaitDown(m2).reason()).isEqualTo(SHUTDOWN);
        });
    }

    @Test
    void significantSimple() throws Exception {
        asProcess(() -> {
            ChildSpec significant = Kids.spec("child").withRestart(Restart.TRANSIENT).withSignificant(true);
            // any_significant: the first significant exit shuts it down
            Pid sup = startSup(options(2).withAutoShutdown(AutoShutdown.ANY_SIGNIFICANT));
            Pid c1 = started(DynamicSupervisor.startChild(sup, significant));
            started(DynamicSupervisor.startChild(sup, significant));
            Kids.terminate(c1, ExitReason.normal());
            assertThat(awaitExit(sup).reason()).isEqualTo(SHUTDOWN);

            // all_significant: when the last significant child is gone
            Pid sup2 = startSup(options(2).withAutoShutdown(AutoShutdown.ALL_SIGNIFICANT));
            Pid s1 = started(DynamicSupervisor.startChild(sup2, significant));
            Pid s2 = started(DynamicSupervisor.startChild(sup2, significant));
            Kids.terminate(s1, ExitReason.normal());
            assertCounts(sup2, 1, 1, 0, 1);
            Kids.terminate(s2, SHUTDOWN);
            assertThat(awaitExit(sup2).reason()).isEqualTo(SHUTDOWN);

            // without auto-shutdown, a significant child is refused
            Pid sup3 = startSup(options(2));
            assertThat(DynamicSupervisor.startChild(sup3, significant))
                    .isEqualTo(new StartChildResult.Invalid(new ChildSpecError.SignificantWithoutAutoShutdown("child")));
            shutdown(sup3);
        });
    }

    @Test
    void maxChildren() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2).withMaxChildren(2));
            Pid c1 = started(DynamicSupervisor.startChild(sup, Kids.spec("c")));
            started(DynamicSupervisor.startChild(sup, Kids.spec("c")));
            assertThat(DynamicSupervisor.startChild(sup, Kids.spec("c"))).isEqualTo(new StartChildResult.MaxChildren());
            assertThat(DynamicSupervisor.terminateChild(sup, c1)).isEqualTo(new TerminateResult.Terminated());
            started(DynamicSupervisor.startChild(sup, Kids.spec("c")));
            assertThatThrownBy(() -> DynamicSupervisorOptions.defaults().withMaxChildren(-1))
                    .isInstanceOf(IllegalArgumentException.class);
            shutdown(sup);
        });
    }

    @Test
    void temporaryAndTransientChildren() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(5));
            Pid temp = started(DynamicSupervisor.startChild(sup, Kids.spec("t").withRestart(Restart.TEMPORARY)));
            Pid trans = started(DynamicSupervisor.startChild(sup, Kids.spec("r").withRestart(Restart.TRANSIENT)));
            Kids.terminate(temp, ABNORMAL);
            assertThat(pids(sup)).containsExactly(trans);
            Kids.terminate(trans, ExitReason.normal());
            assertThat(pids(sup)).isEmpty();
            Pid trans2 = started(DynamicSupervisor.startChild(sup, Kids.spec("r").withRestart(Restart.TRANSIENT)));
            Kids.terminate(trans2, ABNORMAL);
            assertThat(pids(sup)).hasSize(1).doesNotContain(trans2);
            shutdown(sup);
        });
    }

    @Test
    void countRestartingChildren() throws Exception {
        asProcess(() -> {
            Pid me = self();
            Pid sup = startSup(options(10));
            Pid c = started(DynamicSupervisor.startChild(sup, Kids.gated("child", me)));
            started(DynamicSupervisor.startChild(sup, Kids.spec("other")));
            Kids.terminate(c, ABNORMAL);
            awaitMessage(new Kids.Attempt("child"));
            var request = io.jarl.server.GenServer.sendRequest(sup, new Inspect.CountChildren());
            send(sup, new Kids.Proceed(false));
            awaitMessage(new Kids.Attempt("child"));
            var response = io.jarl.server.GenServer.receiveResponse(request, WAIT);
            assertThat(response).isEqualTo(new io.jarl.server.Response.Reply(new ChildCounts(2, 1, 0, 2)));
            // terminating it by its old pid ends the restart loop
            var terminate = io.jarl.server.GenServer.sendRequest(sup, new DynamicSupervisorServer.Call.TerminateChild(c));
            send(sup, new Kids.Proceed(false));
            assertThat(io.jarl.server.GenServer.receiveResponse(terminate, WAIT))
                    .isEqualTo(new io.jarl.server.Response.Reply(new TerminateResult.Terminated()));
            assertCounts(sup, 1, 1, 0, 1);
            shutdown(sup);
        });
    }

    @Test
    void scaleStartStopManyChildren() throws Exception {
        asProcess(() -> {
            int n = 5000;
            Pid sup = DynamicSupervisor.startLink(options(2), StartOptions.named("many")).orElseThrow();
            for (int i = 0; i < n; i++) {
                started(DynamicSupervisor.startChild(Name.of("many"), Kids.spec("c")));
            }
            assertCounts(sup, n, n, 0, n);
            DynamicSupervisor.stop(Name.of("many"));
            assertThat(awaitExit(sup).reason()).isEqualTo(ExitReason.normal());
            assertThat(whereis("many")).isEmpty();
        });
    }

    @Test
    void startFunctionFailures() throws Exception {
        asProcess(() -> {
            Pid sup = startSup(options(2));
            assertThat(DynamicSupervisor.startChild(sup, ChildSpec.worker("f",
                    () -> new StartResult.Failed(ExitReason.of("nope")))))
                    .isEqualTo(new StartChildResult.Failed(ExitReason.of("nope")));
            RuntimeException boom = new RuntimeException("boom");
            assertThat(DynamicSupervisor.startChild(sup, ChildSpec.worker("f", () -> {
                throw boom;
            }))).isEqualTo(new StartChildResult.Failed(ExitReason.crash(boom)));
            assertCounts(sup, 0, 0, 0, 0);
            shutdown(sup);
        });
    }
}
