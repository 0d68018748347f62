package io.jarl.application;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.internal.Gen;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * OTP's application_controller, a GenServer registered as "application_controller", and the client
 * side of OTP's application module (the static functions at the end).
 * - Load/Unload: the spec and its merged environment go into the Table (OTP: ac_tab), read by
 *   anyone without a call.
 * - Start (handle_call start_application, check_start_cond): checks loaded, not running, and every
 *   dependency started; then spawns a linked starter process (OTP: init_starter) and does not reply.
 *   The starter checks that the dependencies run (OTP: start_appl, {info, {not_running, App}}),
 *   starts the ApplicationMaster and casts Started back. The controller is never blocked by a start
 *   callback, so a start callback may itself call Application functions. A second Start of an
 *   application that is starting waits for the same outcome (OTP: start_req, otp_2973).
 * - Started (handle_application_started), acted on when the starter's Exit follows it, so that
 *   start returns when the starter is gone too: reply to every waiter; report; a failed start of a
 *   permanent or transient application stops the runtime (application_start_failure), except a
 *   transient one whose callback exited normal.
 * - Exit from a master (handle_info {'EXIT', Pid, Reason}): the application has terminated; the
 *   restart type decides, in applicationExited(), whether the runtime stops (application_terminated).
 *   A master's Exit can arrive before its starter's Started cast (they are different senders); it is
 *   kept in earlyExits and handled when Started comes. OTP drops it there; this closes that race.
 * - Stop (stop_appl): unlink the master, ask it to stop (it runs prepStop, shuts the supervisor down,
 *   runs stop, kills leftovers) and wait until it is gone, then report "stopped". The controller
 *   waits for the whole stop, as OTP's does.
 * - terminate(): stops every running application, newest first (OTP: terminate/2 with
 *   shutdown_timeout infinity), then, if the runtime is stopping, forgets the table and calls the
 *   RuntimeStopper (OTP: init halts the node when the controller exits).
 * - The controller ends normal when nothing is loaded, starting or running, so that it does not
 *   outlive what it controls; the next Application call starts a new one. Clients retry a call that
 *   found it ending (noproc or normal). It is started from a fresh thread, so that it descends from
 *   no application (an application's leftovers are found by ancestry when it stops).
 */
/** The process that starts, watches and stops applications (OTP: {@code application_controller}). */
final class ApplicationController implements GenServer<ApplicationController, ApplicationController.Call,
        ApplicationController.Cast> {
    static final String NAME = "application_controller";
    static final Logger LOG = LoggerFactory.getLogger("io.jarl.application");

    sealed interface Call {
        record Load(ApplicationSpec spec) implements Call, Request<Optional<ApplicationError>> {}

        record Unload(String name) implements Call, Request<Unloaded> {}

        record Start(String name, RestartType type) implements Call, Request<Optional<ApplicationError>> {}

        record Stop(String name) implements Call, Request<Optional<ApplicationError>> {}

        record StopAll() implements Call, Request<List<String>> {}

        record WhichApplications() implements Call, Request<List<ApplicationInfo>> {}
    }

    /** The answer to Unload: the error, or none; and whether the controller ends now (nothing is loaded). */
    record Unloaded(Optional<ApplicationError> error, boolean ending) {}

    sealed interface Cast {
        /** What a starter sends back (OTP: {@code {application_started, Name, Res}}). */
        record Started(String name, Outcome outcome) implements Cast {}
    }

    /** How a start went, in the starter. */
    sealed interface Outcome {
        /** Started; the master is empty for a library application. */
        record Ok(Optional<Pid> master) implements Outcome {}

        /** Not started; {@code report}: whether it is reported as an exit (OTP: {@code error} vs {@code info}). */
        record Failed(ApplicationError error, boolean report) implements Outcome {}
    }

    /** What the exit report says of an application stopped on request (OTP: {@code stopped}). */
    static final Object STOPPED = new Object() {
        @Override
        public String toString() {
            return "stopped";
        }
    };

    private record Starting(RestartType type, List<From> waiters) {}

    /** Starts in progress (OTP: {@code starting} and {@code start_req}). */
    private final Map<String, Starting> starting = new HashMap<>();
    /** Running applications in start order, with their master (OTP: {@code running}). */
    private final LinkedHashMap<String, Optional<Pid>> running = new LinkedHashMap<>();
    /** Started applications and their type, including those that have since terminated (OTP: {@code started}). */
    private final Map<String, RestartType> started = new HashMap<>();
    /** The starter processes, and the application each starts. */
    private final Map<Pid, String> starters = new HashMap<>();
    /** Outcomes told by starters that have not ended yet. */
    private final Map<String, Outcome> outcomes = new HashMap<>();
    /** Exits of masters that came before their Started. */
    private final Map<Pid, ExitReason> earlyExits = new HashMap<>();

    private ApplicationController() {}

    @Override
    public Init<ApplicationController> init() {
        Jarl.trapExit(true);
        // A new controller runs nothing. (A controller that ended normally left nothing running; one
        // killed outright could not clean up, and its masters stop their applications on its Exit.)
        Table.RUNNING.clear();
        Table.MASTERS.clear();
        return Init.ok(this);
    }

    /** How many callers wait for {@code name} to start; for tests, through {@code Sys.getState}. */
    int waitingFor(String name) {
        Starting start = starting.get(name);
        return start == null ? 0 : start.waiters().size();
    }

    // ------------------------------------------------------------------ calls

    @Override
    public CallResult<ApplicationController> handleCall(Call call, From from, ApplicationController self) {
        return switch (call) {
            case Call.Load(ApplicationSpec spec) -> reply(loadApplication(spec));
            case Call.Unload(String name) -> {
                Optional<ApplicationError> error = unloadApplication(name);
                yield reply(new Unloaded(error, idle()));
            }
            case Call.Start(String name, RestartType type) -> {
                Optional<ApplicationError> refused = startCondition(name);
                if (refused.isPresent()) {
                    yield reply(refused);
                }
                Starting already = starting.get(name);
                if (already != null) {
                    already.waiters().add(from);
                } else {
                    spawnStarter(Table.LOADED.get(name), type, from);
                }
                yield CallResult.noReply(this);
            }
            case Call.Stop(String name) -> reply(stopApplication(name));
            case Call.StopAll() -> {
                List<String> stopped = new ArrayList<>();
                for (String name : newestFirst()) {
                    stopApplication(name);
                    stopped.add(name);
                }
                yield reply(stopped);
            }
            case Call.WhichApplications() -> reply(newestFirst().stream()
                    .map(name -> ApplicationInfo.of(Table.LOADED.get(name))).toList());
        };
    }

    private CallResult<ApplicationController> reply(Object answer) {
        return idle() ? CallResult.stop(ExitReason.normal(), answer, this) : CallResult.reply(answer, this);
    }

    private Result<ApplicationController> next() {
        return idle() ? Result.stop(ExitReason.normal(), this) : Result.noReply(this);
    }

    /** Nothing to control: the controller may end. */
    private boolean idle() {
        return Table.LOADED.isEmpty() && running.isEmpty() && starting.isEmpty() && starters.isEmpty();
    }

    private List<String> newestFirst() {
        return new ArrayList<>(running.keySet()).reversed();
    }

    private Optional<ApplicationError> loadApplication(ApplicationSpec spec) {
        String name = spec.name();
        if (Table.LOADED.containsKey(name)) {
            return Optional.of(new ApplicationError.AlreadyLoaded(name));
        }
        Env.Overrides overrides;
        try {
            overrides = Env.overrides(spec);
        } catch (Env.LoadError e) {
            return Optional.of(e.error);
        }
        Table.ENV.compute(name, (key, before) -> Env.merge(spec, before, overrides, Table.PERSISTENT.get(name)));
        Table.LOADED.put(name, spec);
        return Optional.empty();
    }

    private Optional<ApplicationError> unloadApplication(String name) {
        if (running.containsKey(name) || starting.containsKey(name)) {
            return Optional.of(new ApplicationError.Running(name));
        }
        if (Table.LOADED.remove(name) == null) {
            return Optional.of(new ApplicationError.NotLoaded(name));
        }
        Table.ENV.remove(name);
        return Optional.empty();
    }

    /** OTP: check_start_cond/4. Starting an application that is starting is not refused: it waits. */
    private Optional<ApplicationError> startCondition(String name) {
        ApplicationSpec spec = Table.LOADED.get(name);
        if (spec == null) {
            return Optional.of(new ApplicationError.NotLoaded(name));
        }
        if (running.containsKey(name)) {
            return Optional.of(new ApplicationError.AlreadyStarted(name));
        }
        // Started, not running: a dependency that has terminated may still be depended on here; the
        // starter then finds it not running (OTP checks Started here and Running in start_appl).
        for (String dependency : spec.applications()) {
            if (!started.containsKey(dependency) && !skipped(spec, dependency)) {
                return Optional.of(new ApplicationError.NotStarted(dependency));
            }
        }
        return Optional.empty();
    }

    /** An optional dependency that is not loaded is left out (OTP 24: optional_applications). */
    private static boolean skipped(ApplicationSpec spec, String dependency) {
        return spec.optionalApplications().contains(dependency) && !Table.LOADED.containsKey(dependency);
    }

    private void spawnStarter(ApplicationSpec spec, RestartType type, From from) {
        Set<String> runningNow = Set.copyOf(running.keySet());
        Pid controller = Jarl.self();
        Pid starter = Jarl.spawn(SpawnOptions.defaults().link()
                .initialCall("io.jarl.application.ApplicationController.initStarter/4"), () -> {
                    Outcome outcome = startApplication(spec, runningNow, controller);
                    GenServer.cast(controller, new Cast.Started(spec.name(), outcome));
                });
        starters.put(starter, spec.name());
        List<From> waiters = new ArrayList<>();
        waiters.add(from);
        starting.put(spec.name(), new Starting(type, waiters));
    }

    /** Runs in the starter (OTP: start_appl/3). */
    private static Outcome startApplication(ApplicationSpec spec, Set<String> runningNow, Pid controller) {
        if (spec.callback().isEmpty()) {
            return new Outcome.Ok(Optional.empty());
        }
        for (String dependency : spec.applications()) {
            if (!runningNow.contains(dependency) && !skipped(spec, dependency)) {
                return new Outcome.Failed(new ApplicationError.NotRunning(dependency), false);
            }
        }
        return switch (ApplicationMaster.start(spec, StartType.NORMAL, controller)) {
            case StartResult.Ok(Pid master) -> new Outcome.Ok(Optional.of(master));
            case StartResult.Failed(ExitReason reason) ->
                    new Outcome.Failed(new ApplicationError.StartFailed(spec.name(), reason), true);
            case StartResult.Ignored() ->
                    new Outcome.Failed(new ApplicationError.StartFailed(spec.name(), ExitReason.of("ignore")), true);
        };
    }

    private Optional<ApplicationError> stopApplication(String name) {
        if (running.containsKey(name)) {
            Optional<Pid> master = running.remove(name);
            Table.RUNNING.remove(name);
            RestartType type = started.remove(name);
            master.ifPresent(ApplicationController::stopMaster);
            Table.MASTERS.remove(name);
            reportExited(name, STOPPED, type, false);
            return Optional.empty();
        }
        if (started.remove(name) != null) {
            return Optional.empty(); // started, then terminated: now forgotten (OTP does the same)
        }
        return Optional.of(new ApplicationError.NotStarted(name));
    }

    /** Asks a master to stop its application and waits until it is gone (OTP: stop_appl/3). */
    private static void stopMaster(Pid master) {
        Jarl.unlink(master);
        Ref monitor = Jarl.monitor(master);
        try {
            Gen.call("ApplicationMaster.stop", master, new ApplicationMaster.Request.Stop(), Gen.FOREVER);
        } catch (ExitException e) {
            // it ended meanwhile; its Down follows
        }
        awaitDown(monitor);
        Jarl.receive(m -> m instanceof Exit e && e.from().equals(master) ? e : Jarl.skip(), Duration.ZERO);
    }

    private static Down awaitDown(Ref monitor) {
        return Jarl.receive(monitor, m -> m instanceof Down d && d.ref().equals(monitor) ? d : Jarl.<Down>skip(),
                Gen.FOREVER).orElseThrow();
    }

    // ------------------------------------------------------------------ starts and exits

    @Override
    public Result<ApplicationController> handleCast(Cast cast, ApplicationController self) {
        return switch (cast) {
            case Cast.Started(String name, Outcome outcome) -> {
                // Acted on when the starter's Exit follows (same sender: it comes after), so that a
                // start returns once no process of it is left.
                outcomes.put(name, outcome);
                yield Result.noReply(this);
            }
        };
    }

    /** OTP: handle_application_started/3. */
    private Result<ApplicationController> started(String name, Outcome outcome) {
        Starting start = starting.remove(name);
        if (start == null) {
            return next(); // cannot happen: one starter per start
        }
        switch (outcome) {
            case Outcome.Ok(Optional<Pid> master) -> {
                running.put(name, master);
                Table.RUNNING.add(name);
                started.put(name, start.type());
                LOG.info("application report: application {} started", name);
                start.waiters().forEach(waiter -> GenServer.reply(waiter, Optional.empty()));
                ExitReason early = master.map(earlyExits::remove).orElse(null);
                if (early != null) {
                    return applicationExited(name, unwrap(early));
                }
                return next();
            }
            case Outcome.Failed(ApplicationError error, boolean report) -> {
                start.waiters().forEach(waiter -> GenServer.reply(waiter, Optional.of(error)));
                boolean exitedNormal = error instanceof ApplicationError.StartFailed(String app, ExitReason reason)
                        && reason instanceof ExitReason.Normal;
                boolean onlyReported = start.type() == RestartType.TEMPORARY
                        || start.type() == RestartType.TRANSIENT && exitedNormal;
                if (report) {
                    reportExited(name, error, start.type(), !onlyReported);
                }
                return onlyReported ? next() : halt(new RuntimeStopper.Cause.ApplicationStartFailure(name, error));
            }
        }
    }

    @Override
    public Result<ApplicationController> handleInfo(Object message, ApplicationController self) {
        if (!(message instanceof Exit(Pid from, ExitReason reason))) {
            return Result.noReply(this); // OTP: handle_info(_, S) ignores the rest
        }
        String startingName = starters.remove(from);
        if (startingName != null) {
            Outcome outcome = outcomes.remove(startingName);
            if (outcome == null) {
                // The starter died before telling how the start went (it cannot, but if it did, the
                // callers must not wait forever).
                outcome = new Outcome.Failed(new ApplicationError.StartFailed(startingName, reason), true);
            }
            return started(startingName, outcome);
        }
        for (Map.Entry<String, Optional<Pid>> app : running.entrySet()) {
            if (app.getValue().isPresent() && app.getValue().get().equals(from)) {
                return applicationExited(app.getKey(), unwrap(reason));
            }
        }
        if (!from.isAlive()) {
            earlyExits.put(from, reason); // a master whose Started has not come yet
        }
        return next();
    }

    /** OTP: handle_info({'EXIT', Pid, Reason}) for a running application. */
    private Result<ApplicationController> applicationExited(String name, ExitReason reason) {
        running.remove(name);
        Table.RUNNING.remove(name);
        Table.MASTERS.remove(name);
        RestartType type = started.get(name); // kept, as OTP keeps it: stop(name) then forgets it
        boolean onlyReported = type == RestartType.TEMPORARY
                || type == RestartType.TRANSIENT && reason instanceof ExitReason.Normal;
        reportExited(name, reason, type, !onlyReported);
        return onlyReported ? next() : halt(new RuntimeStopper.Cause.ApplicationTerminated(name, reason));
    }

    /** The application's reason inside a master's exit reason. */
    private static ExitReason unwrap(ExitReason reason) {
        return reason instanceof ExitReason.ShutdownWith(ApplicationMaster.Terminated(ExitReason inner)) ? inner : reason;
    }

    private Result<ApplicationController> halt(RuntimeStopper.Cause cause) {
        return Result.stop(ExitReason.shutdown(cause), this);
    }

    /**
     * Stops every running application, newest first, then, when the runtime is stopping, forgets
     * everything and calls the stopper (OTP: terminate/2, then init halts the node).
     */
    @Override
    public void terminate(ExitReason reason, ApplicationController self) {
        for (String name : newestFirst()) {
            Optional<Pid> master = running.remove(name);
            if (master.isPresent()) {
                Pid m = master.get();
                Jarl.unlink(m);
                Ref monitor = Jarl.monitor(m);
                Jarl.exit(m, ExitReason.shutdown()); // the master takes it as its parent's shutdown
                awaitDown(monitor);
            }
        }
        if (!(reason instanceof ExitReason.Normal)) {
            Table.reset();
        }
        if (reason instanceof ExitReason.ShutdownWith(RuntimeStopper.Cause cause)) {
            try {
                Table.STOPPER.get().stop(cause);
            } catch (RuntimeException | Error e) {
                LOG.error("the runtime stopper failed on {}", cause, e);
            }
        }
    }

    /**
     * The exit report (OTP: info_exited/3): at info level for a clean exit that stops nothing else, at
     * error level for an abnormal one or one that stops the runtime.
     */
    private static void reportExited(String name, Object reason, RestartType type, boolean stopsTheRuntime) {
        boolean clean = !stopsTheRuntime && (reason == STOPPED || reason instanceof ExitReason r && !r.isAbnormal());
        String typeName = type == null ? "temporary" : type.name().toLowerCase(Locale.ROOT);
        if (clean) {
            LOG.info("application report: application {} exited: {}, type: {}", name, reason, typeName);
        } else {
            LOG.error("application report: application {} exited: {}, type: {}", name, reason, typeName);
        }
    }

    // ================================================================== client side (OTP: application)

    /** How often a call is tried again when it found the controller ending. */
    private static final int ATTEMPTS = 20;

    /** Calls the controller, starting one if none runs. */
    static <R> R call(Request<R> request) {
        for (int attempt = 1; ; attempt++) {
            Pid controller = Jarl.whereis(NAME).orElseGet(ApplicationController::spawn);
            try {
                return GenServer.call(controller, request, Gen.FOREVER);
            } catch (ExitException e) {
                if (attempt == ATTEMPTS || !ended(e.reason())) {
                    throw e;
                }
            }
        }
    }

    /** Calls the controller if one runs; empty if none does (then nothing is loaded or running). */
    static <R> Optional<R> callIfRunning(Request<R> request) {
        for (int attempt = 1; ; attempt++) {
            Optional<Pid> controller = Jarl.whereis(NAME);
            if (controller.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(GenServer.call(controller.get(), request, Gen.FOREVER));
            } catch (ExitException e) {
                if (attempt == ATTEMPTS || !ended(e.reason())) {
                    throw e;
                }
            }
        }
    }

    /** The controller was gone or ended idle before it took the call: the call may be made again. */
    private static boolean ended(ExitReason reason) {
        ExitReason why = reason.cause();
        return why instanceof ExitReason.NoProc || why instanceof ExitReason.Normal;
    }

    /** Starts a controller from a fresh thread, so that it descends from no application. */
    private static Pid spawn() {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread starter = Thread.ofVirtual().name("jarl-application-controller-start").start(() -> {
            try {
                result.set(GenServer.start(new ApplicationController(), StartOptions.named(NAME)));
            } catch (RuntimeException | Error e) {
                result.set(e);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                starter.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the start takes no time; finish it, then let the caller see the interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return switch (result.get()) {
            case StartResult.Ok(Pid pid) -> pid;
            case StartResult.Failed(ExitReason.Other(StartResult.AlreadyStarted(Pid pid))) -> pid; // lost a race
            case StartResult.Failed(ExitReason reason) -> throw new ExitException(reason, "starting " + NAME);
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException("starting " + NAME + " gave " + result.get());
        };
    }

    static void check(Optional<ApplicationError> error) {
        if (error.isPresent()) {
            throw new ApplicationException(error.get());
        }
    }

    static void start(String name, RestartType type) {
        ApplicationSpec.checkName(name);
        Objects.requireNonNull(type, "type");
        if (!Table.LOADED.containsKey(name)) {
            throw new ApplicationException(new ApplicationError.NotLoaded(name));
        }
        check(call(new Call.Start(name, type)));
    }

    /**
     * Unloads; when that leaves nothing loaded, waits until the controller has ended, so that a
     * program that unloads its last application leaves no process behind.
     */
    static void unload(String name) {
        ApplicationSpec.checkName(name);
        for (int attempt = 1; ; attempt++) {
            Optional<Pid> controller = Jarl.whereis(NAME);
            if (controller.isEmpty()) {
                throw new ApplicationException(new ApplicationError.NotLoaded(name));
            }
            Unloaded unloaded;
            try {
                unloaded = GenServer.call(controller.get(), new Call.Unload(name), Gen.FOREVER);
            } catch (ExitException e) {
                if (attempt == ATTEMPTS || !ended(e.reason())) {
                    throw e;
                }
                continue;
            }
            check(unloaded.error());
            if (unloaded.ending()) {
                Gen.inProcess(() -> awaitDown(Jarl.monitor(controller.get())));
            }
            return;
        }
    }

    static void stop(String name) {
        ApplicationSpec.checkName(name);
        check(callIfRunning(new Call.Stop(name)).orElse(Optional.of(new ApplicationError.NotStarted(name))));
    }

    /** OTP: application:ensure_all_started/3 in serial mode. */
    static List<String> ensureAllStarted(List<String> names, RestartType type) {
        Objects.requireNonNull(type, "type");
        names.forEach(ApplicationSpec::checkName);
        List<String> startedNow = new ArrayList<>();
        try {
            for (String name : names) {
                enqueue(name, false, type, startedNow, new ArrayDeque<>());
            }
        } catch (ApplicationException e) {
            // OTP: the applications this call started are stopped again, newest first.
            for (String name : startedNow.reversed()) {
                try {
                    stop(name);
                } catch (ApplicationException ignored) {
                    // it terminated meanwhile: nothing left to stop
                }
            }
            throw e;
        }
        return List.copyOf(startedNow);
    }

    private static void enqueue(String name, boolean optional, RestartType type, List<String> startedNow,
                                Deque<String> path) {
        if (Table.RUNNING.contains(name)) {
            return; // running: so are its dependencies, or they were when it started
        }
        ApplicationSpec spec = Table.LOADED.get(name);
        if (spec == null) {
            if (optional) {
                return;
            }
            throw new ApplicationException(new ApplicationError.NotLoaded(name));
        }
        if (path.contains(name)) {
            List<String> cycle = new ArrayList<>(path).reversed();
            cycle = new ArrayList<>(cycle.subList(cycle.indexOf(name), cycle.size()));
            cycle.add(name);
            throw new ApplicationException(new ApplicationError.CircularDependency(name, cycle));
        }
        path.push(name);
        for (String dependency : spec.applications()) {
            enqueue(dependency, spec.optionalApplications().contains(dependency), type, startedNow, path);
        }
        path.pop();
        try {
            start(name, type);
            startedNow.add(name);
        } catch (ApplicationException e) {
            if (!(e.error() instanceof ApplicationError.AlreadyStarted)) {
                throw e;
            }
        }
    }

    /** The application whose master is {@code pid} or one of its ancestors. */
    static Optional<String> applicationOf(Pid pid) {
        Map<Pid, String> byMaster = new HashMap<>();
        Table.MASTERS.forEach((name, master) -> byMaster.put(master, name));
        if (byMaster.containsKey(pid)) {
            return Optional.of(byMaster.get(pid));
        }
        Optional<ProcessInfo> info = Jarl.info(pid);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        for (Pid ancestor : info.get().ancestors()) {
            String name = byMaster.get(ancestor);
            if (name != null) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }
}
