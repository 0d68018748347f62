package io.jarl.application;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test applications, after the {@code ch_sup} applications of OTP's application_SUITE: each tells a
 * probe process what its callbacks do, and runs a supervisor with one worker that tells the probe
 * when it terminates. Also the clean-up every application test needs.
 */
final class Apps {
    private Apps() {}

    /** What the callbacks tell the probe, in order. */
    sealed interface Event {}

    record Started(String app) implements Event {}

    record PrepStop(String app, Object state) implements Event {}

    record Stopped(String app, Object state) implements Event {}

    /** The application's worker terminated (it traps exits, so it sees its supervisor's shutdown). */
    record Terminated(String app, ExitReason reason) implements Event {}

    @FunctionalInterface
    interface StartFunction {
        AppStart<String> start(Pid probe, String app) throws Exception;
    }

    /** A worker that traps exits and tells the probe it terminates. */
    record Worker(Pid probe, String app) implements GenServer<String, Object, Object> {
        @Override
        public Init<String> init() {
            Jarl.trapExit(true);
            return Init.ok(app);
        }

        @Override
        public void terminate(ExitReason reason, String state) {
            Jarl.send(probe, new Terminated(app, reason));
        }
    }

    /** The usual start: a one_for_one supervisor with the worker; the state is {@code "<app>-state"}. */
    static AppStart<String> supervisorWithWorker(Pid probe, String app) {
        Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                List.of(ChildSpec.worker("worker", () -> GenServer.startLink(new Worker(probe, app))))).orElseThrow();
        return AppStart.ok(sup, app + "-state");
    }

    /** A test application: tells {@code probe} of each callback, then does what {@code start} says. */
    static final class TestApp implements Application<String> {
        private final Pid probe;
        private final String app;
        private final StartFunction start;

        TestApp(Pid probe, String app, StartFunction start) {
            this.probe = probe;
            this.app = app;
            this.start = start;
        }

        @Override
        public AppStart<String> start(StartType type, Object args) throws Exception {
            Jarl.send(probe, new Started(app));
            return start.start(probe, app);
        }

        @Override
        public String prepStop(String state) {
            Jarl.send(probe, new PrepStop(app, state));
            return state + "+prep";
        }

        @Override
        public void stop(String state) {
            Jarl.send(probe, new Stopped(app, state));
        }
    }

    /** OTP's app1, app9, ...: {@code description "ERTS  CXC 138 10"}, {@code vsn "2.0"}, the usual start. */
    static ApplicationSpec app(Pid probe, String name, String... applications) {
        return app(probe, name, Apps::supervisorWithWorker, applications);
    }

    static ApplicationSpec app(Pid probe, String name, StartFunction start, String... applications) {
        return ApplicationSpec.of(name, new TestApp(probe, name, start)).withDescription("ERTS  CXC 138 10")
                .withVsn("2.0").withApplications(applications);
    }

    /** The next callback event, within the bound of every wait. */
    static Event nextEvent() {
        return Jarl.receive(m -> m instanceof Event e ? e : Jarl.<Event>skip(), Duration.ofSeconds(5))
                .orElseThrow(() -> new AssertionError("no application callback event within 5 s"));
    }

    /** Names of the running applications, newest first. */
    static List<String> running() {
        return Application.whichApplications().stream().map(ApplicationInfo::name).toList();
    }

    /** Records the causes the runtime would have stopped for, instead of exiting the JVM. */
    static final class RecordingStopper implements RuntimeStopper {
        private final BlockingQueue<Cause> causes = new LinkedBlockingQueue<>();

        @Override
        public void stop(Cause cause) {
            causes.add(cause);
        }

        /** The next cause, waiting up to 5 s for it. */
        Cause await() throws InterruptedException {
            Cause cause = causes.poll(5, TimeUnit.SECONDS);
            if (cause == null) {
                throw new AssertionError("the runtime was not stopped within 5 s");
            }
            return cause;
        }

        Optional<Cause> poll() {
            return Optional.ofNullable(causes.poll());
        }
    }

    /**
     * Leaves no application behind: stops all, unloads all, forgets every environment, restores the
     * config file and the stopper. The controller then ends by itself (nothing is loaded).
     */
    static void cleanUp(RuntimeStopper previousStopper) {
        Application.stopAll();
        for (ApplicationInfo app : Application.loadedApplications()) {
            Application.unload(app.name());
        }
        Table.ENV.clear();
        Table.PERSISTENT.clear();
        Application.setConfigFile(Optional.empty());
        Application.setRuntimeStopper(previousStopper);
    }
}
