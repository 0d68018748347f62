package io.jarl.supervisor;

import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/*
 * Implementation overview.
 *
 * A supervisor is a GenServer (as supervisor.erl is a gen_server callback module); the engine does
 * the receiving, the calls and the parent's exit signal. This class mirrors supervisor.erl:
 * - init(): init/1 and init_children/2. Traps exits, checks the specs (check_startspec/2), starts the
 *   children in order (start_children/2); on a failure terminates the started ones in reverse order
 *   and stops with {shutdown, {failed_to_start_child, Id, Reason}}.
 * - handleInfo(Exit): restart_child/3 and do_restart/3: the restart decision is the one switch in
 *   onExit(); restart() is restart/2 (add_restart/1, then the strategy's restart/3).
 * - A restart whose start fails marks the child restarting and casts TryAgain to itself
 *   (try_again_restart/1), so the calls and signals already queued are handled before the next
 *   attempt; each attempt counts toward the intensity, so a child that never starts ends the
 *   supervisor instead of spinning.
 * - terminate(): terminate_children/2, in reverse start order, each with the shutdown protocol of
 *   ChildShutdown (shutdown/1: monitor, exit(shutdown), timeout, kill).
 * - handleCall(): start_child, terminate_child, restart_child, delete_child, which_children,
 *   count_children, get_childspec, with their OTP answers as sealed results.
 * The server object is its own state: the engine hands it back to each callback.
 */
final class SupervisorServer implements GenServer<SupervisorServer, SupervisorServer.Call, SupervisorServer.Cast> {

    sealed interface Call permits Call.StartChild, Call.TerminateChild, Call.RestartChild, Call.DeleteChild,
            Call.GetChildSpec, Inspect {
        record StartChild(ChildSpec spec) implements Call, Request<StartChildResult> {}

        record TerminateChild(Object id) implements Call, Request<TerminateResult> {}

        record RestartChild(Object id) implements Call, Request<RestartResult> {}

        record DeleteChild(Object id) implements Call, Request<DeleteResult> {}

        record GetChildSpec(Object id) implements Call, Request<Optional<ChildSpec>> {}
    }

    sealed interface Cast {
        /** Try again a restart that failed (OTP: {@code {try_again_restart, Id}}). */
        record TryAgain(Object id) implements Cast {}
    }

    /** A child: its spec and what runs of it. */
    private static final class Child {
        final ChildSpec spec;
        Pid pid; // null: not running (OTP: undefined)
        boolean restarting; // a restart failed and is being retried (OTP: {restarting, OldPid})

        Child(ChildSpec spec) {
            this.spec = spec;
        }

        Object id() {
            return spec.id();
        }
    }

    private enum Outcome { CONTINUE, SHUTDOWN }

    private final Callable<SupervisorInit> initFunction;
    private final Object name; // for reports: the registered name, or the pid once known
    private SupervisorFlags flags;
    private RestartIntensity intensity;
    private final List<Child> children = new ArrayList<>(); // in start order
    private final Map<Pid, Child> byPid = new HashMap<>();
    private final Map<Object, Child> byId = new HashMap<>();

    SupervisorServer(Callable<SupervisorInit> initFunction, Optional<String> name) {
        this.initFunction = initFunction;
        this.name = name.orElse(null);
    }

    private Object supName() {
        return name != null ? name : Jarl.self();
    }

    // ------------------------------------------------------------------ init

    @Override
    public Init<SupervisorServer> init() throws Exception {
        Jarl.trapExit(true);
        SupervisorInit init = initFunction.call();
        switch (init) {
            case null -> {
                return Init.stop(ExitReason.of(new SupervisorInit.BadReturn("supervisor init function returned null")));
            }
            case SupervisorInit.Ignore() -> {
                return Init.ignore();
            }
            case SupervisorInit.Ok(SupervisorFlags f, List<ChildSpec> specs) -> {
                flags = f;
                intensity = new RestartIntensity(f.intensity(), f.period(), f.ticker());
                Optional<ChildSpecError> error = Supervisor.checkChildSpecs(specs, f.autoShutdown());
                if (error.isPresent()) {
                    return Init.stop(ExitReason.of(error.get()));
                }
                for (ChildSpec spec : specs) {
                    add(new Child(spec));
                }
                Optional<FailedToStartChild> failed = startChildren(new ArrayList<>(children));
                if (failed.isPresent()) {
                    terminateChildren(new ArrayList<>(children));
                    return Init.stop(ExitReason.shutdown(failed.get()));
                }
                return Init.ok(this);
            }
        }
    }

    // ------------------------------------------------------------------ exits and restarts

    @Override
    public Result<SupervisorServer> handleInfo(Object message, SupervisorServer state) {
        if (message instanceof Exit(Pid from, ExitReason reason)) {
            Child child = byPid.get(from);
            if (child == null) {
                return Result.noReply(this); // not a child (any more): OTP ignores it too
            }
            return outcome(onExit(child, reason));
        }
        Reports.LOG.error("Supervisor {} received unexpected message: {}", supName(), message);
        return Result.noReply(this);
    }

    @Override
    public Result<SupervisorServer> handleCast(Cast cast, SupervisorServer state) {
        return switch (cast) {
            case Cast.TryAgain(Object id) -> {
                Child child = find(id);
                yield child != null && child.restarting ? outcome(restart(child)) : Result.noReply(this);
            }
        };
    }

    private Result<SupervisorServer> outcome(Outcome outcome) {
        return switch (outcome) {
            case CONTINUE -> Result.noReply(this);
            case SHUTDOWN -> Result.stop(ExitReason.shutdown(), this);
        };
    }

    /** The restart decision (OTP: {@code do_restart/3}). */
    private Outcome onExit(Child child, ExitReason reason) {
        Pid pid = child.pid;
        setPid(child, null);
        boolean orderly = !reason.isAbnormal(); // normal, shutdown, {shutdown, _}
        return switch (child.spec.restart()) {
            case PERMANENT -> {
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                yield restart(child);
            }
            case TRANSIENT -> {
                if (orderly) {
                    yield autoShutdown(child);
                }
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                yield restart(child);
            }
            case TEMPORARY -> {
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                remove(child);
                yield autoShutdown(child);
            }
        };
    }

    /** OTP: {@code do_auto_shutdown/2}. */
    private Outcome autoShutdown(Child exited) {
        if (!exited.spec.significant()) {
            return Outcome.CONTINUE;
        }
        return switch (flags.autoShutdown()) {
            case NEVER -> Outcome.CONTINUE;
            case ANY_SIGNIFICANT -> Outcome.SHUTDOWN;
            case ALL_SIGNIFICANT -> children.stream().anyMatch(c -> c.spec.significant() && (c.pid != null
                    || c.restarting)) ? Outcome.CONTINUE : Outcome.SHUTDOWN;
        };
    }

    /** OTP: {@code restart/2}. */
    private Outcome restart(Child child) {
        if (!intensity.add()) {
            Reports.report(supName(), Reports.Context.SHUTDOWN, Reports.REACHED_MAX_RESTART_INTENSITY, child.pid,
                    child.spec);
            if (child.spec.restart() == Restart.TEMPORARY) {
                remove(child);
            } else {
                setPid(child, null);
            }
            return Outcome.SHUTDOWN;
        }
        Optional<Child> failed = switch (flags.strategy()) {
            case ONE_FOR_ONE -> restartOne(child);
            case ONE_FOR_ALL -> restartMultiple(child, new ArrayList<>(children));
            case REST_FOR_ONE -> restartMultiple(child, new ArrayList<>(children.subList(children.indexOf(child),
                    children.size())));
        };
        failed.ifPresent(f -> {
            // Leave control to the engine before trying again, so that queued requests (a shutdown,
            // a terminateChild) are handled first (OTP: try_again_restart/1).
            f.restarting = true;
            GenServer.cast(Jarl.self(), new Cast.TryAgain(f.id()));
        });
        return Outcome.CONTINUE;
    }

    private Optional<Child> restartOne(Child child) {
        setPid(child, null);
        switch (Reports.start(child.spec, List.of())) {
            case StartResult.Ok(Pid pid) -> setPid(child, pid);
            case StartResult.Ignored() -> { }
            case StartResult.Failed(ExitReason reason) -> {
                Reports.report(supName(), Reports.Context.START_ERROR, reason, null, child.spec);
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** OTP: {@code restart_multiple_children/3}: terminate {@code group} in reverse order, start it in order. */
    private Optional<Child> restartMultiple(Child child, List<Child> group) {
        setPid(child, null);
        terminateChildren(group);
        group.removeIf(c -> byId.get(c.id()) != c); // temporary children are gone
        return startChildren(group).map(f -> find(f.id()));
    }

    // ------------------------------------------------------------------ starting and terminating

    /**
     * Starts {@code group} in order, stopping at the first failure, which is reported and returned
     * (OTP: {@code start_children/2}). An ignored temporary child is forgotten.
     */
    private Optional<FailedToStartChild> startChildren(List<Child> group) {
        for (Child child : group) {
            switch (Reports.start(child.spec, List.of())) {
                case StartResult.Ok(Pid pid) -> setPid(child, pid);
                case StartResult.Ignored() -> {
                    if (child.spec.restart() == Restart.TEMPORARY) {
                        remove(child);
                    }
                }
                case StartResult.Failed(ExitReason reason) -> {
                    Reports.report(supName(), Reports.Context.START_ERROR, reason, null, child.spec);
                    return Optional.of(new FailedToStartChild(child.id(), reason));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Terminates {@code group} one by one in reverse start order; temporary children are forgotten,
     * the others kept, not running (OTP: {@code terminate_children/2}).
     */
    private void terminateChildren(List<Child> group) {
        for (int i = group.size() - 1; i >= 0; i--) {
            Child child = group.get(i);
            if (child.pid != null) {
                Pid pid = child.pid;
                setPid(child, null); // before the protocol, so that its Exit is not taken for a crash
                ChildShutdown.terminate(supName(), pid, child.spec);
            }
            if (child.spec.restart() == Restart.TEMPORARY) {
                remove(child);
            } else {
                setPid(child, null);
            }
        }
    }

    @Override
    public void terminate(ExitReason reason, SupervisorServer state) {
        terminateChildren(new ArrayList<>(children));
    }

    // ------------------------------------------------------------------ the child API

    @Override
    public CallResult<SupervisorServer> handleCall(Call call, From from, SupervisorServer state) {
        return CallResult.reply(answer(call), this);
    }

    private Object answer(Call call) {
        return switch (call) {
            case Call.StartChild(ChildSpec spec) -> startChild(spec);
            case Call.TerminateChild(Object id) -> {
                Child child = find(id);
                if (child == null) {
                    yield new TerminateResult.NotFound();
                }
                terminateChildren(List.of(child)); // also ends a restart in progress
                yield new TerminateResult.Terminated();
            }
            case Call.RestartChild(Object id) -> {
                Child child = find(id);
                if (child == null) {
                    yield new RestartResult.NotFound();
                } else if (child.restarting) {
                    yield new RestartResult.Restarting();
                } else if (child.pid != null) {
                    yield new RestartResult.Running();
                }
                yield switch (Reports.start(child.spec, List.of())) {
                    case StartResult.Ok(Pid pid) -> {
                        setPid(child, pid);
                        yield new RestartResult.Restarted(pid);
                    }
                    case StartResult.Ignored() -> new RestartResult.Ignored();
                    case StartResult.Failed(ExitReason reason) -> new RestartResult.Failed(reason);
                };
            }
            case Call.DeleteChild(Object id) -> {
                Child child = find(id);
                if (child == null) {
                    yield new DeleteResult.NotFound();
                } else if (child.restarting) {
                    yield new DeleteResult.Restarting();
                } else if (child.pid != null) {
                    yield new DeleteResult.Running();
                }
                remove(child);
                yield new DeleteResult.Deleted();
            }
            case Inspect.WhichChildren() -> {
                List<ChildInfo> out = new ArrayList<>(children.size());
                for (int i = children.size() - 1; i >= 0; i--) { // newest first, as OTP lists them
                    Child c = children.get(i);
                    ChildInfo.Status status = c.pid != null ? new ChildInfo.Status.Running(c.pid)
                            : c.restarting ? new ChildInfo.Status.Restarting() : new ChildInfo.Status.Undefined();
                    out.add(new ChildInfo(c.id(), status, c.spec.type()));
                }
                yield List.copyOf(out);
            }
            case Inspect.CountChildren() -> {
                int active = 0;
                int supervisors = 0;
                for (Child c : children) {
                    if (c.pid != null && c.pid.isAlive()) {
                        active++;
                    }
                    if (c.spec.type() == ChildType.SUPERVISOR) {
                        supervisors++;
                    }
                }
                yield new ChildCounts(children.size(), active, supervisors, children.size() - supervisors);
            }
            case Call.GetChildSpec(Object id) -> Optional.ofNullable(find(id)).map(c -> c.spec);
        };
    }

    /** OTP: {@code handle_start_child/2}. */
    private StartChildResult startChild(ChildSpec spec) {
        Optional<ChildSpecError> error = Supervisor.checkChildSpecs(List.of(spec), flags.autoShutdown());
        if (error.isPresent()) {
            return new StartChildResult.Invalid(error.get());
        }
        Child existing = find(spec.id());
        if (existing != null) {
            return existing.pid != null ? new StartChildResult.AlreadyStarted(existing.pid)
                    : new StartChildResult.AlreadyPresent();
        }
        return switch (Reports.start(spec, List.of())) {
            case StartResult.Ok(Pid pid) -> {
                Child child = new Child(spec);
                add(child);
                setPid(child, pid);
                yield new StartChildResult.Started(pid);
            }
            case StartResult.Ignored() -> {
                if (spec.restart() != Restart.TEMPORARY) {
                    add(new Child(spec));
                }
                yield new StartChildResult.Ignored();
            }
            case StartResult.Failed(ExitReason reason) -> new StartChildResult.Failed(reason);
        };
    }

    // ------------------------------------------------------------------ the children table

    private Child find(Object id) {
        return byId.get(id);
    }

    private void add(Child child) {
        children.add(child);
        byId.put(child.id(), child);
    }

    private void setPid(Child child, Pid pid) {
        if (child.pid != null) {
            byPid.remove(child.pid);
        }
        child.pid = pid;
        child.restarting = false;
        if (pid != null) {
            byPid.put(pid, child);
        }
    }

    private void remove(Child child) {
        setPid(child, null);
        children.remove(child);
        byId.remove(child.id());
    }
}
