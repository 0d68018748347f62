package io.jarl.application;

import static io.jarl.Jarl.*;
import static io.jarl.application.Apps.app;
import static io.jarl.application.Apps.running;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.application.Apps.RecordingStopper;
import io.jarl.application.Apps.Stopped;
import io.jarl.application.RuntimeStopper.Cause;
import io.jarl.server.GenServer;
import io.jarl.supervisor.Supervisor;
import io.jarl.testing.NoLeakedProcesses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens when an application terminates or fails to start, by restart type (OTP:
 * application_controller's handle_info EXIT and handle_application_started; otp_2718 of
 * application_SUITE). "The runtime stops" is a {@link RecordingStopper} here, so the tests see the
 * cause instead of the JVM exiting; OTP's shutdown_func case (a kernel hook called as the node stops)
 * is this stopper's counterpart.
 */
@ExtendWith(NoLeakedProcesses.class)
class RestartTypeTest {
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

    /** Loads {@code bystander} and starts it (temporary), then loads and starts {@code app} with {@code type}. */
    private static Pid startWithBystander(String app, RestartType type) {
        Application.load(app(self(), "bystander"));
        Application.start("bystander");
        Application.load(app(self(), app));
        Application.start(app, type);
        return Application.getSupervisor(app).orElseThrow();
    }

    /** Waits until the controller has taken the application's termination into account. */
    private static void awaitTerminated(String app) {
        eventually(app + " no longer running", () -> !running().contains(app));
    }

    /** The runtime stopped: the controller (monitored by {@code ref}) is gone, and so is what it knew. */
    private void assertRuntimeStopped(Ref ref, Cause expected) throws InterruptedException {
        assertThat(halts.await()).isEqualTo(expected);
        assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown(expected));
        assertThat(Application.loadedApplications()).isEmpty();
        assertThat(Application.whichApplications()).isEmpty();
    }

    private static Pid controller() {
        return whereis(ApplicationController.NAME).orElseThrow();
    }

    /** Monitors the controller, before the event that stops it. */
    private static Ref watchController() {
        return monitor(controller());
    }

    @Test
    void temporaryTerminationIsOnlyReported() {
        try (var me = attach()) {
            Pid sup = startWithBystander("app1", RestartType.TEMPORARY);
            exit(sup, ExitReason.kill());
            awaitTerminated("app1");
            assertThat(running()).containsExactly("bystander");
        }
    }

    @Test
    void transientNormalTerminationIsOnlyReported() {
        try (var me = attach()) {
            Pid sup = startWithBystander("app1", RestartType.TRANSIENT);
            Supervisor.stop(sup); // exits normal
            awaitTerminated("app1");
            assertThat(running()).containsExactly("bystander");
        }
    }

    @Test
    void transientAbnormalTerminationStopsTheRuntime() throws Exception {
        try (var me = attach()) {
            Pid sup = startWithBystander("app1", RestartType.TRANSIENT);
            Ref controller = watchController();
            exit(sup, ExitReason.kill());
            awaitMessage(new Stopped("bystander", "bystander-state+prep")); // the others are stopped first
            assertRuntimeStopped(controller, new Cause.ApplicationTerminated("app1", ExitReason.killed()));
        }
    }

    /** Elixir's warning: a supervisor that gives up exits shutdown, which is abnormal for a transient application. */
    @Test
    void transientShutdownStopsTheRuntime() throws Exception {
        try (var me = attach()) {
            Pid sup = startWithBystander("app1", RestartType.TRANSIENT);
            Ref controller = watchController();
            GenServer.stop(sup, ExitReason.shutdown(), WAIT);
            assertRuntimeStopped(controller, new Cause.ApplicationTerminated("app1", ExitReason.shutdown()));
        }
    }

    /** Any termination of a permanent application stops the others, newest first, then the runtime. */
    @Test
    void permanentTerminationStopsTheOthersThenTheRuntime() throws Exception {
        try (var me = attach()) {
            for (String name : List.of("a", "b", "p", "c")) {
                Application.load(app(self(), name));
                Application.start(name, name.equals("p") ? RestartType.PERMANENT : RestartType.TEMPORARY);
            }
            Ref controller = watchController();
            Supervisor.stop(Application.getSupervisor("p").orElseThrow()); // even normal
            List<String> stopped = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                stopped.add(await(Stopped.class).app());
            }
            // p's own stop callback runs as it terminates; then c, b, a are stopped, newest first.
            assertThat(stopped.getFirst()).isEqualTo("p");
            assertThat(stopped.subList(1, 4)).containsExactly("c", "b", "a");
            assertRuntimeStopped(controller, new Cause.ApplicationTerminated("p", ExitReason.normal()));
            assertThat(running()).isEmpty();
        }
    }

    /** An explicit stop affects no other application, whatever the type. */
    @Test
    void stoppingAPermanentApplicationStopsNothingElse() {
        try (var me = attach()) {
            startWithBystander("app1", RestartType.PERMANENT);
            Application.stop("app1");
            assertThat(running()).containsExactly("bystander");
        }
    }

    /** OTP: otp_2718. A transient application whose start exits normal is only refused; one that fails stops the runtime. */
    @Test
    void otp2718() throws Exception {
        try (var me = attach()) {
            Application.load(app(self(), "bystander"));
            Application.start("bystander");
            // normal exit from the application
            Application.load(app(self(), "trans_normal", (probe, app) -> {
                throw exit(ExitReason.normal());
            }));
            ApplicationException normal = catchApplicationException(
                    () -> Application.start("trans_normal", RestartType.TRANSIENT));
            assertThat(normal.error()).isEqualTo(new ApplicationError.StartFailed("trans_normal", ExitReason.normal()));
            assertThat(running()).containsExactly("bystander"); // the controller goes on: no halt

            // abnormal exit from the application
            Application.load(app(self(), "trans_abnormal", (probe, app) -> {
                throw exit(ExitReason.of("abnormal"));
            }));
            Ref controller = watchController();
            ApplicationException abnormal = catchApplicationException(
                    () -> Application.start("trans_abnormal", RestartType.TRANSIENT));
            ApplicationError error = new ApplicationError.StartFailed("trans_abnormal", ExitReason.of("abnormal"));
            assertThat(abnormal.error()).isEqualTo(error);
            awaitMessage(new Stopped("bystander", "bystander-state+prep"));
            assertRuntimeStopped(controller, new Cause.ApplicationStartFailure("trans_abnormal", error));
        }
    }

    @Test
    void permanentStartFailureStopsTheRuntime() throws Exception {
        try (var me = attach()) {
            Application.load(app(self(), "broken", (probe, app) -> AppStart.error(ExitReason.of("no disk"))));
            Ref controller = watchController();
            ApplicationException e = catchApplicationException(() -> Application.start("broken", RestartType.PERMANENT));
            assertRuntimeStopped(controller, new Cause.ApplicationStartFailure("broken", e.error()));
        }
    }

    /** OTP stops the node too when a permanent application is refused because a dependency is not running. */
    @Test
    void permanentStartOverADependencyNotRunningStopsTheRuntime() throws Exception {
        try (var me = attach()) {
            Application.load(app(self(), "dep"));
            Application.load(app(self(), "top", "dep"));
            Application.start("dep");
            Pid depMaster = Table.MASTERS.get("dep");
            Ref ref = monitor(depMaster);
            exit(Application.getSupervisor("dep").orElseThrow(), ExitReason.kill());
            Down down = awaitDown(ref);
            assertThat(down.reason().toString()).contains("killed");
            awaitTerminated("dep");
            Ref controller = watchController();
            ApplicationException e = catchApplicationException(() -> Application.start("top", RestartType.PERMANENT));
            assertThat(e.error()).isEqualTo(new ApplicationError.NotRunning("dep"));
            assertRuntimeStopped(controller, new Cause.ApplicationStartFailure("top", e.error()));
        }
    }

    @Test
    void temporaryStartFailureIsOnlyReported() {
        try (var me = attach()) {
            Application.load(app(self(), "broken", (probe, app) -> AppStart.error(ExitReason.of("no disk"))));
            Application.load(app(self(), "fine"));
            Application.start("fine");
            catchApplicationException(() -> Application.start("broken"));
            assertThat(running()).containsExactly("fine");
        }
    }

    /** After the runtime stopped, a new controller starts from nothing, as a new node would. */
    @Test
    void afterTheRuntimeStoppedANewControllerStartsEmpty() throws Exception {
        try (var me = attach()) {
            Application.load(app(self(), "p"));
            Application.start("p", RestartType.PERMANENT);
            Ref controller = watchController();
            exit(Application.getSupervisor("p").orElseThrow(), ExitReason.kill());
            assertRuntimeStopped(controller, new Cause.ApplicationTerminated("p", ExitReason.killed()));
            Application.load(app(self(), "p"));
            assertThat(pollDown(monitor(controller()))).as("a new, live controller").isFalse();
            Application.start("p");
            assertThat(running()).containsExactly("p");
        }
    }

    private static ApplicationException catchApplicationException(Runnable call) {
        try {
            call.run();
        } catch (ApplicationException e) {
            return e;
        }
        throw new AssertionError("no ApplicationException");
    }
}
