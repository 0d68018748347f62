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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * Implementation overview.
 *
 * A GenServer, like SupervisorServer, mirroring Elixir's dynamic_supervisor.ex (itself OTP's
 * simple_one_for_one branch of supervisor.erl):
 * - children: pid -> child (spec, arguments); a child whose restart failed stays under its old pid,
 *   marked restarting, and the retry is a TryAgain cast to itself (try_again_restart).
 * - handleInfo(Exit): maybe_restart_child/3, with the same decision table as supervisor's do_restart/3.
 * - terminate(): terminate_children/2 (OTP: terminate_dynamic_children/1): all children are sent
 *   their shutdown signal at once and waited for together, each killed when its own timeout is over.
 */
final class DynamicSupervisorServer
        implements GenServer<DynamicSupervisorServer, DynamicSupervisorServer.Call, DynamicSupervisorServer.Cast> {

    sealed interface Call permits Call.StartChild, Call.TerminateChild, Inspect {
        record StartChild(ChildSpec spec) implements Call, Request<StartChildResult> {}

        record TerminateChild(Pid pid) implements Call, Request<TerminateResult> {}
    }

    sealed interface Cast {
        record TryAgain(Pid key) implements Cast {}
    }

    private static final class Child {
        final ChildSpec spec;
        final List<Object> arguments;
        boolean restarting;

        Child(ChildSpec spec, List<Object> arguments) {
            this.spec = spec;
            this.arguments = arguments;
        }
    }

    private final DynamicSupervisorOptions options;
    private final Object name;
    private final RestartIntensity intensity;
    private final Map<Pid, Child> children = new LinkedHashMap<>(); // by pid, or by old pid while restarting

    DynamicSupervisorServer(DynamicSupervisorOptions options, Optional<String> name) {
        this.options = options;
        this.name = name.orElse(null);
        this.intensity = new RestartIntensity(options.intensity(), options.period(), options.ticker());
    }

    private Object supName() {
        return name != null ? name : Jarl.self();
    }

    @Override
    public Init<DynamicSupervisorServer> init() {
        Jarl.trapExit(true);
        return Init.ok(this);
    }

    @Override
    public CallResult<DynamicSupervisorServer> handleCall(Call call, From from, DynamicSupervisorServer state) {
        Object reply = switch (call) {
            case Call.StartChild(ChildSpec spec) -> startChild(spec);
            case Call.TerminateChild(Pid pid) -> {
                Child child = children.remove(pid);
                if (child == null) {
                    yield new TerminateResult.NotFound();
                }
                if (!child.restarting) {
                    ChildShutdown.terminate(supName(), pid, child.spec);
                }
                yield new TerminateResult.Terminated();
            }
            case Inspect.WhichChildren() -> {
                List<ChildInfo> out = new ArrayList<>(children.size());
                children.forEach((pid, c) -> out.add(new ChildInfo(c.spec.id(),
                        c.restarting ? new ChildInfo.Status.Restarting() : new ChildInfo.Status.Running(pid),
                        c.spec.type())));
                yield List.copyOf(out);
            }
            case Inspect.CountChildren() -> {
                int active = 0;
                int supervisors = 0;
                for (Child c : children.values()) {
                    if (!c.restarting) {
                        active++;
                    }
                    if (c.spec.type() == ChildType.SUPERVISOR) {
                        supervisors++;
                    }
                }
                yield new ChildCounts(children.size(), active, supervisors, children.size() - supervisors);
            }
        };
        return CallResult.reply(reply, this);
    }

    private StartChildResult startChild(ChildSpec spec) {
        Optional<ChildSpecError> error = Supervisor.checkOne(spec, options.autoShutdown());
        if (error.isPresent()) {
            return new StartChildResult.Invalid(error.get());
        }
        if (children.size() >= options.maxChildren()) {
            return new StartChildResult.MaxChildren();
        }
        List<Object> arguments = options.extraArguments();
        return switch (Reports.start(spec, arguments)) {
            case StartResult.Ok(Pid pid) -> {
                children.put(pid, new Child(spec, arguments));
                yield new StartChildResult.Started(pid);
            }
            case StartResult.Ignored() -> new StartChildResult.Ignored();
            case StartResult.Failed(ExitReason reason) -> new StartChildResult.Failed(reason);
        };
    }

    @Override
    public Result<DynamicSupervisorServer> handleInfo(Object message, DynamicSupervisorServer state) {
        if (message instanceof Exit(Pid from, ExitReason reason)) {
            Child child = children.get(from);
            if (child == null || child.restarting) {
                return Result.noReply(this);
            }
            return onExit(from, child, reason) ? Result.noReply(this) : Result.stop(ExitReason.shutdown(), this);
        }
        Reports.LOG.error("DynamicSupervisor {} received unexpected message: {}", supName(), message);
        return Result.noReply(this);
    }

    @Override
    public Result<DynamicSupervisorServer> handleCast(Cast cast, DynamicSupervisorServer state) {
        return switch (cast) {
            case Cast.TryAgain(Pid key) -> {
                Child child = children.get(key);
                boolean goOn = child == null || !child.restarting || restart(key, child);
                yield goOn ? Result.noReply(this) : Result.stop(ExitReason.shutdown(), this);
            }
        };
    }

    /** The restart decision (OTP: {@code do_restart/3}); false: shut down. */
    private boolean onExit(Pid pid, Child child, ExitReason reason) {
        return switch (child.spec.restart()) {
            case PERMANENT -> {
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                yield restart(pid, child);
            }
            case TRANSIENT -> {
                if (!reason.isAbnormal()) {
                    children.remove(pid);
                    yield !autoShutdown(child);
                }
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                yield restart(pid, child);
            }
            case TEMPORARY -> {
                Reports.report(supName(), Reports.Context.CHILD_TERMINATED, reason, pid, child.spec);
                children.remove(pid);
                yield !autoShutdown(child);
            }
        };
    }

    private boolean autoShutdown(Child exited) {
        if (!exited.spec.significant()) {
            return false;
        }
        return switch (options.autoShutdown()) {
            case NEVER -> false;
            case ANY_SIGNIFICANT -> true;
            case ALL_SIGNIFICANT -> children.values().stream().noneMatch(c -> c.spec.significant());
        };
    }

    /** Restarts the child known as {@code key}; false: the intensity is exceeded, shut down. */
    private boolean restart(Pid key, Child child) {
        if (!intensity.add()) {
            Reports.report(supName(), Reports.Context.SHUTDOWN, Reports.REACHED_MAX_RESTART_INTENSITY,
                    child.restarting ? null : key, child.spec);
            children.remove(key);
            return false;
        }
        switch (Reports.start(child.spec, child.arguments)) {
            case StartResult.Ok(Pid pid) -> {
                children.remove(key);
                child.restarting = false;
                children.put(pid, child);
            }
            case StartResult.Ignored() -> children.remove(key);
            case StartResult.Failed(ExitReason reason) -> {
                Reports.report(supName(), Reports.Context.START_ERROR, reason, null, child.spec);
                child.restarting = true;
                GenServer.cast(Jarl.self(), new Cast.TryAgain(key));
            }
        }
        return true;
    }

    @Override
    public void terminate(ExitReason reason, DynamicSupervisorServer state) {
        List<ChildShutdown.Target> running = new ArrayList<>(children.size());
        children.forEach((pid, c) -> {
            if (!c.restarting) {
                running.add(new ChildShutdown.Target(pid, c.spec));
            }
        });
        children.clear();
        ChildShutdown.terminateAll(supName(), running);
    }
}
