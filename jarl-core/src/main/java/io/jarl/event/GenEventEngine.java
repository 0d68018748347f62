package io.jarl.event;

import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.internal.Gen;
import io.jarl.internal.Gen.Call;
import io.jarl.internal.Gen.SysOp;
import io.jarl.internal.Gen.SysRequest;
import io.jarl.internal.ProcLib;
import io.jarl.internal.SysHandler;
import io.jarl.server.From;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/*
 * Implementation overview.
 *
 * The event manager process, after OTP's gen_event.erl. What it shares with the other behaviours
 * (the call and cast messages, gen:call, proc_lib's start, sys) is in io.jarl.internal.
 * - start(): ProcLib.startHandler: the manager is a handler process (io.jarl.Handler) whose state
 *   is this engine, so between two messages it holds no thread and no stack; while sys has it
 *   suspended it receives system messages only (SysHandler.receiveSuspended).
 *   init() traps exits (a manager always does, OTP init_it), registers a via name and
 *   acknowledges at once: a manager has no init callback.
 * - onMessage(): one message at a time (decode_msg/handle_msg). System requests go to SysHandler; an
 *   Exit from the parent runs terminate_server (every handler's terminate with stop, owners
 *   unlinked) and exits with the reason; a Cast(Notify) is an event (OTP: {notify, Event}); a
 *   Call carrying a Request is one of the manager's own requests; any other Exit first removes
 *   the handlers that process supervised (terminate_supervised), then goes to every handler's
 *   handleInfo, like every other message.
 * - handlers: the installed handlers, newest first (OTP's MSL). Adding prepends; notify walks the
 *   list in order and rebuilds it (server_notify); a handler that throws, returns null or asks to
 *   be removed drops out, one that swaps is replaced in place. Lookup by HandlerId takes the first
 *   match (OTP's search/split): OTP does not refuse a second handler with the same identity, so
 *   neither does Jarl.
 * - terminate() is do_terminate: run the handler's terminate (its value or failure is the
 *   DeleteResult), report a crash once (report_error: not for normal, shutdown or swapped), and
 *   tell a supervised handler's owner with GenEventExit (report_terminate).
 * - Supervised handlers: the manager links to the owner before the handler's init (and, as in OTP,
 *   leaves the link when the handler goes: the owner may have other handlers here); the owner's
 *   death reaches the manager as an Exit, because it traps exits.
 * A handler callback that throws ProcessExitedError means the manager itself has been killed: that
 * is never treated as the handler's failure.
 */
/** The engine of an event manager (OTP: {@code gen_event}'s process loop). */
final class GenEventEngine implements SysHandler.Host {

    /** An event sent with notify (OTP: {@code {notify, Event}}), carried in a {@link Gen.Cast}. */
    record Notify(Object event) {
        @Override
        public String toString() {
            return "{notify, " + event + "}";
        }
    }

    /** The requests a manager answers, carried in a {@link Gen.Call}. */
    sealed interface Request {}

    /** OTP: {@code {sync_notify, Event}}. */
    record SyncNotify(Object event) implements Request {
        @Override
        public String toString() {
            return "{sync_notify, " + event + "}";
        }
    }

    /** OTP: {@code {add_handler, Handler, Args}} and {@code {add_sup_handler, Handler, Args, Pid}}. */
    record AddHandler(EventHandler<?, ?> handler, HandlerId id, Object args, Optional<Pid> supervisor)
            implements Request {
        @Override
        public String toString() {
            return supervisor.map(p -> "{add_sup_handler, " + id + ", " + args + ", " + p + "}")
                    .orElse("{add_handler, " + id + ", " + args + "}");
        }
    }

    /** OTP: {@code {delete_handler, Handler, Args}}. */
    record DeleteHandler(HandlerId id, Object args) implements Request {
        @Override
        public String toString() {
            return "{delete_handler, " + id + ", " + args + "}";
        }
    }

    /** OTP: {@code {swap_handler, H1, A1, H2, A2}} and {@code {swap_sup_handler, H1, A1, H2, A2, Pid}}. */
    record SwapHandler(HandlerId old, Object args1, EventHandler<?, ?> next, HandlerId nextId, Object args2,
                       Optional<Pid> supervisor) implements Request {
        @Override
        public String toString() {
            String common = old + ", " + args1 + ", " + nextId + ", " + args2;
            return supervisor.map(p -> "{swap_sup_handler, " + common + ", " + p + "}")
                    .orElse("{swap_handler, " + common + "}");
        }
    }

    /** OTP: {@code which_handlers}. */
    record WhichHandlers() implements Request {
        @Override
        public String toString() {
            return "which_handlers";
        }
    }

    /** OTP: {@code {call, Handler, Query}}. */
    record HandlerCall(HandlerId id, Object request) implements Request {
        @Override
        public String toString() {
            return "{call, " + id + ", " + request + "}";
        }
    }

    /** An installed handler (OTP: the {@code #handler{}} record). */
    private record Installed(HandlerId id, EventHandler<Object, Object> callbacks, Object state,
                             Optional<Pid> supervisor) {
        Installed withState(Object newState) {
            return new Installed(id, callbacks, newState, supervisor);
        }
    }

    /** How a handler left: decides the crash report and its owner's {@link GenEventExit} reason. */
    private sealed interface Departure {
        /** Deleted, or a callback returned remove. */
        record Normal() implements Departure {}

        /** The manager is stopping, or the handler's owner ended. */
        record Shutdown() implements Departure {}

        /** Replaced by {@code next}, now supervised by {@code supervisor}. */
        record SwappedTo(HandlerId next, Optional<Pid> supervisor) implements Departure {}

        /** A callback failed with {@code reason}; {@code error} is what it threw, if it threw. */
        record Failed(ExitReason reason, Optional<Throwable> error) implements Departure {}
    }

    private static final Departure NORMAL = new Departure.Normal();
    private static final Departure SHUTDOWN = new Departure.Shutdown();

    private final Pid parent; // the linked starter, or the manager itself when started without a link
    private final StartOptions options;
    private Object name; // how reports name the manager: its registered name, or its pid
    private List<Installed> handlers = new ArrayList<>();
    private SysHandler sys; // made by the first system request: most servers never see one

    private GenEventEngine(Pid parent, StartOptions options) {
        this.parent = parent;
        this.options = options;
    }

    // ------------------------------------------------------------------ start (gen_event:init_it)

    static StartResult start(StartOptions options, boolean link) {
        Objects.requireNonNull(options, "options");
        return ProcLib.startHandler(ProcLib.initCall(GenEvent.class), options, link,
                (parent, starter) -> new GenEventEngine(parent, options).init(starter), GenEventEngine::onMessage);
    }

    /** The manager process's first activation: its state is the engine, or null to end normal. */
    private GenEventEngine init(ProcLib.Starter starter) {
        Jarl.trapExit(true);
        if (!starter.registerVia()) {
            return null; // OTP: a taken via name ends the manager normal
        }
        name = options.name().<Object>map(n -> n).or(() -> options.via().map(v -> v)).orElse(Jarl.self());
        starter.ok();
        return this;
    }

    // ------------------------------------------------------------------ one message at a time

    /** The manager's handler: between two messages the manager is this engine and its mailbox. */
    private GenEventEngine onMessage(Object msg) {
        take(msg);
        while (SysHandler.suspended(sys)) {
            take(SysHandler.receiveSuspended(parent));
        }
        return this;
    }

    private void take(Object msg) {
        if (sys != null) {
            sys.received(msg);
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        switch (msg) {
            case Call(From from, SysRequest(SysOp op)) -> (sys = SysHandler.made(sys, GenEvent.LOG)).handle(from, op, this);
            case Exit(Pid from, ExitReason reason) when from.equals(parent) -> throw terminateServer(reason);
            case Gen.Cast(Notify(Object event)) -> notifyHandlers(event, true);
            case Call(From from, Request request) -> {
                Object reply = answer(request);
                Gen.reply(from, reply);
                if (sys != null) {
                    sys.replied(from.pid(), reply);
                }
            }
            case Exit(Pid from, ExitReason reason) -> {
                terminateSupervised(from, reason);
                notifyHandlers(msg, false);
            }
            default -> notifyHandlers(msg, false);
        }
    }

    private Object answer(Request request) {
        return switch (request) {
            case SyncNotify(Object event) -> {
                notifyHandlers(event, true);
                yield GenEvent.OK;
            }
            case AddHandler(EventHandler<?, ?> handler, HandlerId id, Object args, Optional<Pid> supervisor) ->
                    addHandler(handler, id, args, supervisor);
            case DeleteHandler(HandlerId id, Object args) -> deleteHandler(id, args);
            case SwapHandler s -> swapHandler(s);
            case WhichHandlers() -> handlers.stream().map(Installed::id).toList();
            case HandlerCall(HandlerId id, Object query) -> callHandler(id, query);
        };
    }

    // ------------------------------------------------------------------ adding, deleting, swapping

    /** OTP: server_add_handler and server_add_sup_handler. */
    private AddResult addHandler(EventHandler<?, ?> handler, HandlerId id, Object args, Optional<Pid> supervisor) {
        // OTP links before init, and keeps the link whatever init does: the owner may have other
        // supervised handlers here. A dead owner comes back as Exit(owner, noproc), which removes
        // the handler through terminateSupervised.
        supervisor.ifPresent(Jarl::link);
        EventHandler<Object, Object> callbacks = cast(handler);
        HandlerInit<Object> init;
        try {
            init = Objects.requireNonNull(callbacks.init(args), () -> handler.getClass().getName() + ".init returned null");
        } catch (Throwable t) {
            return new AddResult.Crashed(Gen.reasonOf(t));
        }
        return switch (init) {
            case HandlerInit.Ok<Object>(Object state, boolean hibernate) -> {
                handlers.addFirst(new Installed(id, callbacks, state, supervisor));
                yield new AddResult.Ok();
            }
            case HandlerInit.Error<Object>(Object reason) -> new AddResult.Error(reason);
        };
    }

    /** OTP: server_delete_handler. */
    private DeleteResult deleteHandler(HandlerId id, Object args) {
        int i = indexOf(id);
        if (i < 0) {
            return new DeleteResult.NotFound();
        }
        Installed h = handlers.remove(i);
        return terminate(h, args, h.state(), NORMAL, "delete");
    }

    /** OTP: server_swap_handler (split_and_terminate, then add with {Args2, Term}). */
    private AddResult swapHandler(SwapHandler swap) {
        int i = indexOf(swap.old());
        DeleteResult old;
        Optional<Pid> oldSupervisor;
        if (i >= 0) {
            Installed h = handlers.remove(i);
            oldSupervisor = h.supervisor();
            Optional<Pid> newSupervisor = swap.supervisor().or(() -> oldSupervisor);
            old = terminate(h, swap.args1(), h.state(), new Departure.SwappedTo(swap.nextId(), newSupervisor), "swap");
        } else {
            oldSupervisor = Optional.empty();
            old = new DeleteResult.NotFound();
        }
        // swapHandler keeps the old handler's owner; swapSupHandler makes the caller the owner.
        return addHandler(swap.next(), swap.nextId(), new SwapArgs(swap.args2(), old),
                swap.supervisor().or(() -> oldSupervisor));
    }

    /** A swap asked for by a callback result, in place (OTP: do_swap). Empty if the new handler's init failed. */
    private Optional<Installed> swapFrom(Installed h, Object args1, Object state, EventHandler<?, ?> next,
                                         Optional<Object> nextId, Object args2) {
        HandlerId id = new HandlerId(next.getClass(), nextId);
        DeleteResult old = terminate(h, args1, state, new Departure.SwappedTo(id, h.supervisor()), "swap");
        Installed fresh = new Installed(id, cast(next), null, h.supervisor());
        HandlerInit<Object> init;
        try {
            init = Objects.requireNonNull(fresh.callbacks().init(new SwapArgs(args2, old)),
                    () -> next.getClass().getName() + ".init returned null");
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            report(fresh, "undefined", new Departure.Failed(reason, Optional.of(t)), "init after swap");
            return Optional.empty();
        }
        return switch (init) {
            case HandlerInit.Ok<Object>(Object newState, boolean hibernate) -> Optional.of(fresh.withState(newState));
            case HandlerInit.Error<Object>(Object reason) -> {
                report(fresh, "undefined", new Departure.Failed(ExitReason.of(reason), Optional.empty()),
                        "init after swap");
                yield Optional.empty();
            }
        };
    }

    // ------------------------------------------------------------------ events, infos and calls

    /** Runs {@code handleEvent} (or {@code handleInfo}) of every handler, in order (OTP: server_notify). */
    private void notifyHandlers(Object event, boolean isEvent) {
        List<Installed> next = new ArrayList<>(handlers.size());
        for (Installed h : handlers) {
            update(h, event, isEvent).ifPresent(next::add);
        }
        handlers = next;
    }

    /** One handler's turn (OTP: server_update); empty if it left. */
    private Optional<Installed> update(Installed h, Object event, boolean isEvent) {
        HandlerResult<Object> result;
        try {
            result = isEvent ? h.callbacks().handleEvent(event, h.state()) : h.callbacks().handleInfo(event, h.state());
            Objects.requireNonNull(result, () -> h.id() + (isEvent ? ".handleEvent" : ".handleInfo") + " returned null");
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            terminate(h, new Removal.Error(reason), h.state(), new Departure.Failed(reason, Optional.of(t)), event);
            return Optional.empty();
        }
        return switch (result) {
            case HandlerResult.Ok<Object>(Object state, boolean hibernate) -> Optional.of(h.withState(state));
            case HandlerResult.Swap<Object>(Object args1, Object state, EventHandler<?, ?> next, Optional<Object> nextId,
                                            Object args2) -> swapFrom(h, args1, state, next, nextId, args2);
            case HandlerResult.Remove<Object>() -> {
                terminate(h, new Removal.RemoveHandler(), h.state(), NORMAL, event);
                yield Optional.empty();
            }
        };
    }

    /** A call to one handler (OTP: server_call and server_call_update). */
    private CallReply<Object> callHandler(HandlerId id, Object request) {
        int i = indexOf(id);
        if (i < 0) {
            return new CallReply.BadModule<>();
        }
        Installed h = handlers.get(i);
        HandlerCallResult<Object> result;
        try {
            result = Objects.requireNonNull(h.callbacks().handleCall(request, h.state()),
                    () -> h.id() + ".handleCall returned null");
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            handlers.remove(i);
            terminate(h, new Removal.Error(reason), h.state(), new Departure.Failed(reason, Optional.of(t)), request);
            return new CallReply.Error<>(reason);
        }
        switch (result) {
            case HandlerCallResult.Ok<Object>(Object reply, Object state, boolean hibernate) -> {
                handlers.set(i, h.withState(state));
                return new CallReply.Reply<>(reply);
            }
            case HandlerCallResult.Swap<Object>(Object reply, Object args1, Object state, EventHandler<?, ?> next,
                                                Optional<Object> nextId, Object args2) -> {
                handlers.remove(i);
                swapFrom(h, args1, state, next, nextId, args2).ifPresent(n -> handlers.add(i, n));
                return new CallReply.Reply<>(reply);
            }
            case HandlerCallResult.Remove<Object>(Object reply) -> {
                handlers.remove(i);
                terminate(h, new Removal.RemoveHandler(), h.state(), NORMAL, request);
                return new CallReply.Reply<>(reply);
            }
        }
    }

    // ------------------------------------------------------------------ removal and reports

    /**
     * Runs a leaving handler's terminate and reports its departure (OTP: do_terminate).
     *
     * @param lastIn what the handler was handling, for the crash report
     */
    private DeleteResult terminate(Installed h, Object arg, Object state, Departure how, Object lastIn) {
        DeleteResult result;
        try {
            Object value = Objects.requireNonNull(h.callbacks().terminate(arg, state),
                    () -> h.id() + ".terminate returned null");
            result = new DeleteResult.Ok(value);
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            // OTP returns {'EXIT', Reason} to delete_handler and says nothing; Jarl also logs it, so
            // that a failing terminate is never silent where nobody receives its result.
            GenEvent.LOG.error("GenEvent handler {} in {}: terminate({}) failed: {}", h.id(), name, arg, reason, t);
            result = new DeleteResult.Crashed(reason);
        }
        report(h, state, how, lastIn);
        return result;
    }

    /** Logs a crash once, and tells a supervised handler's owner that it left (OTP: report_terminate). */
    private void report(Installed h, Object state, Departure how, Object lastIn) {
        if (how instanceof Departure.Failed(ExitReason reason, Optional<Throwable> error)) {
            Object shown = formatted(h, state);
            if (error.isPresent()) {
                GenEvent.LOG.error("GenEvent handler {} crashed; installed in {}; last event: {}; handler state: {};"
                        + " reason: {}", h.id(), name, lastIn, shown, reason, error.get());
            } else {
                GenEvent.LOG.error("GenEvent handler {} crashed; installed in {}; last event: {}; handler state: {};"
                        + " reason: {}", h.id(), name, lastIn, shown, reason);
            }
        }
        h.supervisor().ifPresent(owner -> Jarl.send(owner, new GenEventExit(h.id(), switch (how) {
            case Departure.Normal() -> ExitReason.normal();
            case Departure.Shutdown() -> ExitReason.shutdown();
            case Departure.SwappedTo(HandlerId next, Optional<Pid> supervisor) ->
                    ExitReason.of(new GenEventExit.Swapped(next, supervisor.orElse(owner)));
            case Departure.Failed(ExitReason reason, Optional<Throwable> error) -> reason;
        })));
    }

    /** A handler's state as its formatStatus shows it, never failing (OTP: gen:format_status). */
    private static Object formatted(Installed h, Object state) {
        try {
            return h.callbacks().formatStatus(state);
        } catch (RuntimeException e) {
            return "(formatStatus failed: " + e + ")";
        }
    }

    /** Removes the handlers {@code owner} supervised: it ended with {@code reason} (OTP: terminate_supervised). */
    private void terminateSupervised(Pid owner, ExitReason reason) {
        List<Installed> kept = new ArrayList<>(handlers.size());
        for (Installed h : handlers) {
            if (h.supervisor().filter(owner::equals).isPresent()) {
                terminate(h, new Removal.OwnerExited(reason), h.state(), SHUTDOWN, "owner " + owner + " exited");
            } else {
                kept.add(h);
            }
        }
        handlers = kept;
    }

    /**
     * Removes every handler and returns the exception that ends the manager with {@code reason}
     * (OTP: terminate_server).
     */
    private ExitException terminateServer(ExitReason reason) {
        List<Installed> leaving = handlers;
        handlers = new ArrayList<>();
        for (Installed h : leaving) {
            terminate(h, new Removal.Stop(), h.state(), SHUTDOWN, "stop");
        }
        // The owners of supervised handlers must not die of the manager's exit (OTP: do_unlink). The
        // parent stays linked: it is the manager's supervisor.
        for (Installed h : leaving) {
            h.supervisor().filter(p -> !p.equals(parent)).ifPresent(Jarl::unlink);
        }
        return new ExitException(reason, "GenEvent " + name + " terminating");
    }

    private int indexOf(HandlerId id) {
        for (int i = 0; i < handlers.size(); i++) {
            if (handlers.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static EventHandler<Object, Object> cast(EventHandler<?, ?> handler) {
        return (EventHandler<Object, Object>) handler;
    }

    // ------------------------------------------------------------------ system messages (sys)

    /** OTP: system_get_state, the list of {Module, Id, State}. */
    @Override
    public Object systemState() {
        return handlers.stream().map(h -> new HandlerState(h.id(), h.state())).toList();
    }

    /**
     * OTP: system_replace_state. {@code change} is applied to each handler's {@link HandlerState}; a
     * handler whose function throws, or returns anything but a HandlerState of the same handler,
     * keeps its state.
     */
    @Override
    public Object replaceSystemState(Function<Object, Object> change) {
        List<Installed> next = new ArrayList<>(handlers.size());
        for (Installed h : handlers) {
            Installed kept = h;
            try {
                Object changed = change.apply(new HandlerState(h.id(), h.state()));
                if (changed instanceof HandlerState(HandlerId id, Object state) && id.equals(h.id())) {
                    kept = h.withState(state);
                } else {
                    GenEvent.LOG.warn("GenEvent {}: replaceState for {} returned {}, not a HandlerState of that"
                            + " handler; its state is unchanged", name, h.id(), changed);
                }
            } catch (RuntimeException e) {
                GenEvent.LOG.warn("GenEvent {}: replaceState for {} failed; its state is unchanged", name, h.id(), e);
            }
            next.add(kept);
        }
        handlers = next;
        return systemState();
    }

    /** OTP: format_status, the installed handlers with their states as formatStatus shows them. */
    @Override
    public Object formatStatus() {
        return handlers.stream().map(h -> new HandlerState(h.id(), formatted(h, h.state()))).toList();
    }

    @Override
    public String module() {
        return GenEvent.class.getName();
    }

    @Override
    public Pid parent() {
        return parent;
    }

    @Override
    public RuntimeException terminate(ExitReason reason) {
        return terminateServer(reason);
    }
}
