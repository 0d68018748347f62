package io.jarl.application;

import static io.jarl.Jarl.*;
import static io.jarl.application.Apps.app;
import static io.jarl.application.Apps.nextEvent;
import static io.jarl.application.Apps.running;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.application.Apps.PrepStop;
import io.jarl.application.Apps.RecordingStopper;
import io.jarl.application.Apps.Started;
import io.jarl.application.Apps.Stopped;
import io.jarl.application.Apps.Terminated;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Sys;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Applications: loading, starting, stopping, dependencies, concurrent starts and leftovers, after
 * OTP's application_SUITE (case names in camelCase). Restart types are in {@link RestartTypeTest},
 * the environment in {@link EnvTest}.
 *
 * <p>Cases of the suite that do not apply to Jarl: failover, failover_comp, permissions, load,
 * load_use_cache, start_phases, script_start, nodedown_start, permit_false_start_local,
 * permit_false_start_dist, distr_changed_tc1/2, otp_2078, otp_3184, otp_4066 and otp_5606 are about
 * distributed applications, boot scripts and start phases, which Jarl does not have; otp_1586 loads
 * included applications (none in Jarl); otp_2012 and config_change change the configuration during a
 * release upgrade (no release handling); shutdown_func and shutdown_timeout configure the kernel
 * application's node shutdown, whose Jarl counterpart is the {@link RuntimeStopper} (tested in
 * {@link RestartTypeTest}).
 */
@ExtendWith(NoLeakedProcesses.class)
class ApplicationTest {
    private final RecordingStopper halts = new RecordingStopper();
    private RuntimeStopper previousStopper;

    @BeforeEach
    void recordHalts() {
        previousStopper = Application.setRuntimeStopper(halts);
    }

    @AfterEach
    void cleanUp() {
        Apps.cleanUp(previousStopper);
        assertThat(halts.poll()).as("the runtime was stopped unexpectedly").isEmpty();
    }

    private static ApplicationError errorOf(Runnable call) {
        try {
            call.run();
        } catch (ApplicationException e) {
            return e.error();
        }
        throw new AssertionError("no ApplicationException");
    }

    // ---------------------------------------------------------------- application_SUITE

    /** OTP: ensure_started. */
    @Test
    void ensureStarted() {
        try (var me = attach()) {
            Application.load(app(self(), "app1"));
            Application.ensureStarted("app1");
            Application.ensureStarted("app1");
            assertThat(errorOf(() -> Application.start("app1")))
                    .isEqualTo(new ApplicationError.AlreadyStarted("app1"));
            Application.stop("app1");
            assertThat(errorOf(() -> Application.ensureStarted("hopefully_not_an_existing_app")))
                    .isEqualTo(new ApplicationError.NotLoaded("hopefully_not_an_existing_app"));

            Application.ensureStarted("app1", RestartType.PERMANENT);
            Application.ensureStarted("app1", RestartType.PERMANENT);
            Application.stop("app1"); // an explicit stop of a permanent application stops nothing else
            Application.unload("app1");
        }
    }

    /** OTP: ensure_all_started. */
    @Test
    void ensureAllStarted() {
        try (var me = attach()) {
            Pid probe = self();
            Application.load(app(probe, "app1"));
            Application.load(app(probe, "app9"));
            Application.load(app(probe, "app10", "app9"));
            Application.load(app(probe, "app_chain_error", "app_chain_error2"));
            Application.load(app(probe, "app_chain_error2", "app10", "hopefully_not_an_existing_app"));

            // Single app start/stop
            assertThat(running()).doesNotContain("app1");
            assertThat(Application.ensureAllStarted("app1")).containsExactly("app1");
            assertThat(running()).contains("app1");
            assertThat(Application.ensureAllStarted("app1")).isEmpty(); // no start needed
            Application.stop("app1");
            assertThat(running()).doesNotContain("app1");

            // App or dependency not found
            ApplicationException notFound = catchThrowableOfType(ApplicationException.class,
                    () -> Application.ensureAllStarted("hopefully_not_an_existing_app"));
            assertThat(notFound.application()).isEqualTo("hopefully_not_an_existing_app");
            assertThat(notFound.error()).isEqualTo(new ApplicationError.NotLoaded("hopefully_not_an_existing_app"));

            // Start dependencies
            assertThat(errorOf(() -> Application.start("app10"))).isEqualTo(new ApplicationError.NotStarted("app9"));
            assertThat(Application.ensureAllStarted("app10", RestartType.TEMPORARY)).containsExactly("app9", "app10");
            assertThat(running()).contains("app9", "app10");
            // Only report apps/dependencies that actually needed to start
            Application.stop("app10");
            assertThat(Application.ensureAllStarted("app10", RestartType.TEMPORARY)).containsExactly("app10");
            Application.stop("app9");
            Application.stop("app10");

            // Deeper failure chain: app_chain_error -> app_chain_error2 -> app10 -> app9, and
            // app_chain_error2 -> hopefully_not_an_existing_app. None running before: none after.
            assertThat(errorOf(() -> Application.ensureAllStarted("app_chain_error")))
                    .isEqualTo(new ApplicationError.NotLoaded("hopefully_not_an_existing_app"));
            assertThat(running()).doesNotContain("app9", "app10", "app_chain_error2", "app_chain_error");
            // With app9 already running it stays running; app10, started by the failed call, does not.
            assertThat(Application.ensureAllStarted("app9")).containsExactly("app9");
            assertThat(errorOf(() -> Application.ensureAllStarted("app_chain_error")))
                    .isEqualTo(new ApplicationError.NotLoaded("hopefully_not_an_existing_app"));
            assertThat(running()).containsExactly("app9");
            Application.stop("app9");
        }
    }

    /** OTP: otp_2973. Two processes start the same application at once: both get ok, from one start. */
    @Test
    void otp2973() {
        try (var me = attach()) {
            Pid tester = self();
            record Go() {}
            record Result(Pid who, Optional<ApplicationError> error) {}
            Application.load(app(tester, "app0", (probe, app) -> {
                receive(Go.class, WAIT).orElseThrow(); // held until both starts are in
                return Apps.supervisorWithWorker(probe, app);
            }));
            Runnable starter = () -> {
                Optional<ApplicationError> error = Optional.empty();
                try {
                    Application.start("app0");
                } catch (ApplicationException e) {
                    error = Optional.of(e.error());
                }
                send(tester, new Result(self(), error));
            };
            Pid pid1 = spawn(starter);
            assertThat(nextEvent()).isEqualTo(new Started("app0"));
            Pid pid2 = spawn(starter);
            eventually("both starts wait for app0", () -> waitingFor("app0") == 2);
            send(masterOf("app0"), new Go());
            Set<Pid> answered = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Result result = await(Result.class);
                assertThat(result.error()).isEmpty();
                answered.add(result.who());
            }
            assertThat(answered).containsExactlyInAnyOrder(pid1, pid2);
            assertThat(running()).containsExactly("app0");
            assertThat(pollMatching(m -> m instanceof Started)).as("started once").isFalse();
            Application.stop("app0");

            // Both get the same error from one failed start.
            Application.load(app(tester, "app_start_error", (probe, app) -> {
                receive(Go.class, WAIT).orElseThrow();
                return AppStart.error(ExitReason.of("start error"));
            }));
            Runnable failing = () -> {
                Optional<ApplicationError> error = Optional.empty();
                try {
                    Application.start("app_start_error");
                } catch (ApplicationException e) {
                    error = Optional.of(e.error());
                }
                send(tester, new Result(self(), error));
            };
            spawn(failing);
            awaitMessage(new Started("app_start_error"));
            spawn(failing);
            eventually("both starts wait for app_start_error", () -> waitingFor("app_start_error") == 2);
            send(masterOf("app_start_error"), new Go());
            ApplicationError expected = new ApplicationError.StartFailed("app_start_error",
                    ExitReason.of("start error"));
            assertThat(await(Result.class).error()).contains(expected);
            assertThat(await(Result.class).error()).contains(expected);
        }
    }

    private static int waitingFor(String app) {
        return ((ApplicationController) Sys.getState(Name.of(ApplicationController.NAME))).waitingFor(app);
    }

    private static Pid masterOf(String app) {
        Pid master = Table.MASTERS.get(app);
        assertThat(master).as("the master of " + app).isNotNull();
        return master;
    }

    /** OTP: otp_4227. A dependency that has terminated is started but not running. */
    @Test
    void otp4227() {
        try (var me = attach()) {
            Application.load(app(self(), "app9"));
            Application.load(app(self(), "app10", "app9"));
            assertThat(errorOf(() -> Application.start("app10"))).isEqualTo(new ApplicationError.NotStarted("app9"));

            Application.start("app9");
            Pid sup9 = Application.getSupervisor("app9").orElseThrow();
            Ref master = monitor(masterOf("app9"));
            exit(sup9, ExitReason.kill());
            awaitDown(master);
            eventually("app9 no longer running", () -> !running().contains("app9"));

            assertThat(errorOf(() -> Application.start("app10"))).isEqualTo(new ApplicationError.NotRunning("app9"));
            assertThat(running()).isEmpty();
        }
    }

    /**
     * OTP: otp_5363. When an application stops, the processes that belong to it and are still alive
     * (here one spawned by its worker, outside any supervisor) are killed.
     */
    @Test
    void otp5363() {
        try (var me = attach()) {
            Pid tester = self();
            Application.load(app(tester, "group_leader", (probe, app) -> {
                // "nisse" belongs to the application (it descends from its master), but no supervisor
                // or link knows of it.
                spawn(SpawnOptions.defaults().register("nisse"), () -> blockForever());
                return Apps.supervisorWithWorker(probe, app);
            }));
            Application.start("group_leader");
            Pid nisse = whereis("nisse").orElseThrow();
            Ref ref = monitor(nisse);
            Application.stop("group_leader");
            assertThat(pollDown(ref)).as("nisse is dead when stop returns").isTrue();
            assertThat(whereis("nisse")).isEmpty();
        }
    }

    /**
     * OTP: shutdown_deadlock. While an application stops, a process asks for its supervisor: it gets
     * an answer (none: the application is stopping) instead of waiting for the stop that waits for it.
     */
    @Test
    void shutdownDeadlock() {
        try (var me = attach()) {
            Pid tester = self();
            record Deadlock(Pid server) {}
            record Continue() {}
            record Child(Optional<Pid> supervisor) {}
            record StopResult(Optional<ApplicationError> error) {}
            final class Blocker implements GenServer<String, Object, Object> {
                @Override
                public Init<String> init() {
                    trapExit(true);
                    return Init.ok("blocker");
                }

                @Override
                public void terminate(ExitReason reason, String state) {
                    send(tester, new Deadlock(self()));
                    receive(Continue.class, WAIT).orElseThrow();
                }
            }
            Application.load(app(tester, "deadlock", (probe, app) -> AppStart.ok(Supervisor.startLink(
                    SupervisorFlags.oneForOne(), List.of(ChildSpec.worker("blocker",
                            () -> GenServer.startLink(new Blocker()))))
                    .orElseThrow(), "state")));
            Application.start("deadlock");
            spawn(() -> {
                Optional<ApplicationError> error = Optional.empty();
                try {
                    Application.stop("deadlock");
                } catch (ApplicationException e) {
                    error = Optional.of(e.error());
                }
                send(tester, new StopResult(error));
            });
            Deadlock deadlock = await(Deadlock.class);
            spawn(() -> send(tester, new Child(Application.getSupervisor("deadlock"))));
            assertThat(await(Child.class).supervisor()).isEmpty();
            send(deadlock.server(), new Continue());
            assertThat(await(StopResult.class).error()).isEmpty();
            assertThat(running()).isEmpty();
        }
    }

    /** OTP: get_key. The spec of a loaded application, and none for an unknown one. */
    @Test
    void getKey() {
        ApplicationSpec appinc = ApplicationSpec.library("appinc")
                .withDescription("Test of new app file, including appnew")
                .withVsn("2.0")
                .withApplications("kernel")
                .withEnv("own_env1", "value1")
                .withEnv("own2", "val2")
                .withRegistered();
        Application.load(ApplicationSpec.library("kernel"));
        Application.load(appinc);
        assertThat(Application.spec("appinc")).contains(appinc);
        ApplicationSpec spec = Application.spec("appinc").orElseThrow();
        assertThat(spec.description()).isEqualTo("Test of new app file, including appnew");
        assertThat(spec.vsn()).isEqualTo("2.0");
        assertThat(spec.applications()).containsExactly("kernel");
        assertThat(spec.registered()).isEmpty();
        assertThat(spec.env()).containsExactly(entry("own2", "val2"), entry("own_env1", "value1"));
        assertThat(spec.callback()).isEmpty();
        assertThat(Application.spec("very_unknown")).isEmpty();
        assertThat(Application.loadedApplications()).containsExactly(
                new ApplicationInfo("appinc", "Test of new app file, including appnew", "2.0"),
                new ApplicationInfo("kernel", "", ""));
    }

    // ---------------------------------------------------------------- stopping

    /**
     * Stopping runs prepStop, then shuts the tree down (the worker terminates with shutdown), then
     * stop with what prepStop returned; when stop returns no process of the application is left.
     */
    @Test
    void stopRunsPrepStopThenShutsTheTreeDownThenStop() {
        try (var me = attach()) {
            Application.load(app(self(), "app1"));
            Set<Pid> before = Set.copyOf(processes());
            Application.start("app1");
            assertThat(nextEvent()).isEqualTo(new Started("app1"));
            Pid master = masterOf("app1");
            Pid sup = Application.getSupervisor("app1").orElseThrow();
            assertThat(Application.getApplication(sup)).contains("app1");
            assertThat(Application.getApplication(master)).contains("app1");
            assertThat(Application.getApplication(self())).isEmpty();

            Application.stop("app1");
            assertThat(nextEvent()).isEqualTo(new PrepStop("app1", "app1-state"));
            assertThat(nextEvent()).isEqualTo(new Terminated("app1", ExitReason.shutdown()));
            assertThat(nextEvent()).isEqualTo(new Stopped("app1", "app1-state+prep"));
            List<Pid> left = processes().stream().filter(p -> !before.contains(p)).toList();
            assertThat(left).as("processes left when stop returns").isEmpty();
            assertThat(master.isAlive()).isFalse();
            assertThat(running()).isEmpty();
            assertThat(Application.getSupervisor("app1")).isEmpty();
            assertThat(Application.loadedApplications()).extracting(ApplicationInfo::name).containsExactly("app1");

            // Stopped, it can be started again.
            Application.start("app1");
            assertThat(nextEvent()).isEqualTo(new Started("app1"));
            Application.stop("app1");
        }
    }

    /** When the top supervisor ends on its own, prepStop and stop still run, and the app is reported gone. */
    @Test
    void topSupervisorEndingRunsPrepStopAndStop() {
        try (var me = attach()) {
            Application.load(app(self(), "app1"));
            Application.start("app1");
            assertThat(nextEvent()).isEqualTo(new Started("app1"));
            Pid sup = Application.getSupervisor("app1").orElseThrow();
            exit(sup, ExitReason.kill());
            // The worker dies with its supervisor (its terminate may or may not run before the master
            // kills what is left, as in OTP), while the master runs prepStop then stop.
            assertThat(await(PrepStop.class)).isEqualTo(new PrepStop("app1", "app1-state"));
            assertThat(await(Stopped.class)).isEqualTo(new Stopped("app1", "app1-state+prep"));
            eventually("app1 no longer running", () -> running().isEmpty());
            // OTP: an application that terminated is still "started": stop forgets it, once.
            Application.stop("app1");
            assertThat(errorOf(() -> Application.stop("app1"))).isEqualTo(new ApplicationError.NotStarted("app1"));
        }
    }

    @Test
    void stopAllStopsNewestFirst() {
        try (var me = attach()) {
            Application.load(app(self(), "a"));
            Application.load(app(self(), "b", "a"));
            Application.load(ApplicationSpec.library("lib"));
            Application.load(app(self(), "c", "b", "lib"));
            assertThat(Application.ensureAllStarted("c")).containsExactly("a", "b", "lib", "c");
            assertThat(running()).containsExactly("c", "lib", "b", "a");
            assertThat(Application.stopAll()).containsExactly("c", "lib", "b", "a");
            assertThat(flush().stream().filter(m -> m instanceof Stopped).map(m -> ((Stopped) m).app()))
                    .containsExactly("c", "b", "a");
            assertThat(running()).isEmpty();
            assertThat(Application.stopAll()).isEmpty();
        }
    }

    @Test
    void whichApplicationsListsTheRunningNewestFirst() {
        try (var me = attach()) {
            Application.load(app(self(), "app1").withDescription("first").withVsn("1.1"));
            Application.load(app(self(), "app2"));
            assertThat(Application.whichApplications()).isEmpty();
            Application.start("app1");
            Application.start("app2");
            assertThat(Application.whichApplications()).containsExactly(
                    new ApplicationInfo("app2", "ERTS  CXC 138 10", "2.0"), new ApplicationInfo("app1", "first", "1.1"));
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsOfLoadStartStopAndUnload() {
        try (var me = attach()) {
            assertThat(errorOf(() -> Application.start("nothing"))).isEqualTo(new ApplicationError.NotLoaded("nothing"));
            assertThat(errorOf(() -> Application.stop("nothing"))).isEqualTo(new ApplicationError.NotStarted("nothing"));
            assertThat(errorOf(() -> Application.unload("nothing"))).isEqualTo(new ApplicationError.NotLoaded("nothing"));
            Application.load(app(self(), "app1"));
            assertThat(errorOf(() -> Application.load(app(self(), "app1"))))
                    .isEqualTo(new ApplicationError.AlreadyLoaded("app1"));
            Application.ensureLoaded(app(self(), "app1")); // fine
            Application.start("app1");
            assertThat(errorOf(() -> Application.unload("app1"))).isEqualTo(new ApplicationError.Running("app1"));
            assertThatThrownBy(() -> Application.start("app1"))
                    .isInstanceOf(ApplicationException.class)
                    .hasMessage("already started application app1 {already_started, app1}");
            assertThatThrownBy(() -> Application.start("not.a.name")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an application name");
            assertThatThrownBy(() -> Application.start("app1", null)).isInstanceOf(NullPointerException.class);
        }
    }

    /** A start callback that fails in any way fails the start, and leaves no process behind. */
    @Test
    void failedStartsLeaveNothingBehind() {
        try (var me = attach()) {
            Set<Pid> before = Set.copyOf(processes());
            RuntimeException boom = new IllegalStateException("boom");
            Application.load(app(self(), "throws", (probe, app) -> {
                Apps.supervisorWithWorker(probe, app); // a tree that must not survive
                throw boom;
            }));
            Application.load(app(self(), "returns_error", (probe, app) -> {
                Apps.supervisorWithWorker(probe, app);
                return AppStart.error(ExitReason.of("no database"));
            }));
            Application.load(app(self(), "returns_null", (probe, app) -> null));
            Application.load(app(self(), "exits", (probe, app) -> {
                throw exit(ExitReason.of("bye"));
            }));

            assertThat(errorOf(() -> Application.start("throws")))
                    .isEqualTo(new ApplicationError.StartFailed("throws", ExitReason.crash(boom)));
            assertThat(errorOf(() -> Application.start("returns_error")))
                    .isEqualTo(new ApplicationError.StartFailed("returns_error", ExitReason.of("no database")));
            assertThat(errorOf(() -> Application.start("returns_null")))
                    .isInstanceOfSatisfying(ApplicationError.StartFailed.class,
                            f -> assertThat(f.reason().toString()).startsWith("bad_return"));
            assertThat(errorOf(() -> Application.start("exits")))
                    .isEqualTo(new ApplicationError.StartFailed("exits", ExitReason.of("bye")));
            assertThat(processes().stream().filter(p -> !before.contains(p)
                    && !whereis(ApplicationController.NAME).equals(Optional.of(p)))).isEmpty();
            assertThat(running()).isEmpty();
            assertThat(Table.MASTERS).isEmpty();
        }
    }

    @Test
    void circularDependenciesAreAnError() {
        try (var me = attach()) {
            Application.load(app(self(), "a", "b"));
            Application.load(app(self(), "b", "c"));
            Application.load(app(self(), "c", "a"));
            assertThat(errorOf(() -> Application.ensureAllStarted("a")))
                    .isEqualTo(new ApplicationError.CircularDependency("a", List.of("a", "b", "c", "a")));
            assertThat(running()).isEmpty();
        }
    }

    /** OTP 24: optional_applications. Skipped when not loaded; started first when loaded. */
    @Test
    void optionalApplications() {
        try (var me = attach()) {
            Application.load(app(self(), "app", "opt").withOptionalApplications("opt"));
            assertThat(Application.ensureAllStarted("app")).containsExactly("app");
            Application.stop("app");
            Application.start("app"); // opt is not loaded: not needed
            Application.stop("app");

            Application.load(app(self(), "opt"));
            assertThat(errorOf(() -> Application.start("app"))).isEqualTo(new ApplicationError.NotStarted("opt"));
            assertThat(Application.ensureAllStarted("app")).containsExactly("opt", "app");
        }
    }

    /** A library application has no processes: starting it checks its dependencies and marks it started. */
    @Test
    void libraryApplication() {
        try (var me = attach()) {
            Application.load(ApplicationSpec.library("stdlib"));
            Application.load(ApplicationSpec.library("lib").withApplications("stdlib"));
            Set<Pid> before = Set.copyOf(processes());
            assertThat(errorOf(() -> Application.start("lib"))).isEqualTo(new ApplicationError.NotStarted("stdlib"));
            assertThat(Application.ensureAllStarted("lib")).containsExactly("stdlib", "lib");
            assertThat(running()).containsExactly("lib", "stdlib");
            assertThat(Application.getSupervisor("lib")).isEmpty();
            assertThat(processes()).containsExactlyInAnyOrderElementsOf(before);
            Application.stop("lib");
            Application.stop("stdlib");
            assertThat(running()).isEmpty();
        }
    }

    /** The controller is not busy while a start callback runs: the callback may start other applications. */
    @Test
    void aStartCallbackMayStartOtherApplications() {
        try (var me = attach()) {
            Application.load(app(self(), "helper"));
            Application.load(app(self(), "main", (probe, app) -> {
                Application.start("helper");
                return Apps.supervisorWithWorker(probe, app);
            }));
            Application.start("main");
            assertThat(running()).containsExactly("main", "helper");
        }
    }

    /** A master killed from outside takes its application down with it; the controller reports it. */
    @Test
    void killedMasterEndsItsApplication() {
        try (var me = attach()) {
            Application.load(app(self(), "app1"));
            Application.start("app1");
            Pid sup = Application.getSupervisor("app1").orElseThrow();
            Ref supRef = monitor(sup);
            kill(masterOf("app1"));
            Down down = awaitDown(supRef);
            assertThat(down.reason()).isEqualTo(ExitReason.killed());
            eventually("app1 no longer running", () -> running().isEmpty());
        }
    }

    /** A start callback that returns a dead supervisor: the start succeeds, and the application ends at once. */
    @Test
    void startWithADeadSupervisorEndsAtOnce() {
        try (var me = attach()) {
            Pid dead = deadProcess();
            Application.load(app(self(), "app1", (probe, app) -> AppStart.ok(dead, "state")));
            Application.start("app1");
            eventually("app1 ended", () -> running().isEmpty());
            assertThat(nextEvent()).isEqualTo(new Started("app1"));
            assertThat(nextEvent()).isEqualTo(new PrepStop("app1", "state"));
            assertThat(nextEvent()).isEqualTo(new Stopped("app1", "state+prep"));
        }
    }

    // ---------------------------------------------------------------- reports

    @Test
    void reportsAreLoggedOnce() {
        try (var me = attach(); LogCapture log = LogCapture.start()) {
            Application.load(app(self(), "app1"));
            Application.start("app1");
            Application.stop("app1");
            Application.start("app1");
            Pid sup = Application.getSupervisor("app1").orElseThrow();
            GenServer.stop(sup, ExitReason.of("crashed"), WAIT);
            eventually("app1 ended", () -> running().isEmpty());

            assertThat(log.count("application report: application app1 started")).isEqualTo(2);
            assertThat(log.linesContaining("application report: application app1 exited: stopped, type: temporary"))
                    .hasSize(1).allSatisfy(line -> assertThat(line).contains("INFO"));
            assertThat(log.linesContaining("application report: application app1 exited: crashed, type: temporary"))
                    .hasSize(1).allSatisfy(line -> assertThat(line).contains("ERROR"));
            assertThat(log.linesContaining("ApplicationMaster")).as("no crash report from the master").isEmpty();
        }
    }

    /** A failing prepStop is reported, and stop gets the state start returned; a failing stop is reported too. */
    @Test
    void failingPrepStopAndStopAreReportedAndTheStopGoesOn() {
        record StopSaw(Object state) {}
        try (var me = attach(); LogCapture log = LogCapture.start()) {
            Pid tester = self();
            Application<String> clumsy = new Application<>() {
                @Override
                public AppStart<String> start(StartType type, Object args) {
                    send(tester, new Started(Application.getApplication().orElse("none")));
                    return AppStart.ok(Supervisor.startLink(SupervisorFlags.oneForOne(), List.of()).orElseThrow(), "s");
                }

                @Override
                public String prepStop(String state) {
                    throw new IllegalStateException("prepStop broke");
                }

                @Override
                public void stop(String state) {
                    send(tester, new StopSaw(state));
                    throw new IllegalStateException("stop broke");
                }
            };
            Application.load(ApplicationSpec.of("clumsy", clumsy));
            Application.start("clumsy");
            assertThat(await(Started.class)).as("getApplication() in the start callback")
                    .isEqualTo(new Started("clumsy"));
            Application.stop("clumsy");
            assertThat(await(StopSaw.class).state()).isEqualTo("s");
            assertThat(running()).isEmpty();
            assertThat(log.linesContaining("application clumsy, prepStop failed")).hasSize(1);
            assertThat(log.linesContaining("application clumsy, stop failed")).hasSize(1);
            assertThat(log.count("application report: application clumsy exited: stopped")).isEqualTo(1);
        }
    }

    @Test
    void ensureAllStartedOfSeveralApplications() {
        try (var me = attach()) {
            Application.load(app(self(), "a"));
            Application.load(app(self(), "b", "a"));
            Application.load(app(self(), "c", "a"));
            Application.start("a");
            assertThat(Application.ensureAllStarted(List.of("b", "c"), RestartType.TEMPORARY)).containsExactly("b", "c");
            assertThat(running()).containsExactly("c", "b", "a");
        }
    }

    // ---------------------------------------------------------------- the controller

    /** The controller runs while anything is loaded, and ends by itself when nothing is. */
    @Test
    void theControllerEndsWhenNothingIsLoaded() {
        try (var me = attach()) {
            assertThat(whereis(ApplicationController.NAME)).isEmpty();
            assertThat(Application.whichApplications()).isEmpty(); // asks no one
            assertThat(whereis(ApplicationController.NAME)).isEmpty();
            Application.load(app(self(), "app1"));
            Pid controller = whereis(ApplicationController.NAME).orElseThrow();
            assertThat(info(controller).orElseThrow().ancestors()).doesNotContain(self());
            Ref ref = monitor(controller);
            Application.start("app1");
            Application.stop("app1");
            assertThat(pollDown(ref)).isFalse();
            Application.unload("app1"); // the last one: returns once the controller has ended
            assertThat(whereis(ApplicationController.NAME)).isEmpty();
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.normal());
            // The next call starts a new one.
            Application.load(app(self(), "app1"));
            assertThat(whereis(ApplicationController.NAME)).isPresent().isNotEqualTo(Optional.of(controller));
        }
    }

    @Test
    void applicationsWorkFromPlainThreads() {
        Application<Void> plain = (type, args) -> AppStart.of(Supervisor.startLink(SupervisorFlags.oneForOne(), List.of()));
        Application.load(ApplicationSpec.of("plain", plain));
        assertThat(Application.ensureAllStarted("plain")).containsExactly("plain");
        assertThat(Application.getSupervisor("plain")).isPresent();
        Application.stop("plain");
    }
}
