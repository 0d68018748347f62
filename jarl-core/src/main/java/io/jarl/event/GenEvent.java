package io.jarl.event;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.internal.Gen;
import io.jarl.internal.SysHandler;
import io.jarl.server.GenServer;
import io.jarl.server.Request;
import io.jarl.server.RequestId;
import io.jarl.server.RequestIds;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event manager: a process that passes every event it receives to a set of handlers, added and
 * removed while it runs (OTP: {@code gen_event}; Elixir: {@code GenEvent}, deprecated since 1.5).
 *
 * <p>A manager has no callbacks of its own. Its handlers are {@link EventHandler}s, each with its
 * own state; the manager calls each in turn, in its own process, for every event. A handler that
 * fails is removed, alone: the manager and the other handlers go on. Logging back ends, alarm
 * handlers and statistics collectors are the classic uses (OTP's {@code logger} and
 * {@code alarm_handler} started out as event managers).
 *
 * {@snippet :
 * sealed interface Alarm {
 *     record Raised(String what) implements Alarm {}
 *     record Cleared(String what) implements Alarm {}
 * }
 * record Count() implements Request<Integer> {}
 *
 * final class ActiveAlarms implements EventHandler<Integer, Alarm> {
 *     public HandlerInit<Integer> init(Object args) {
 *         return HandlerInit.ok(0);
 *     }
 *
 *     public HandlerResult<Integer> handleEvent(Alarm alarm, Integer active) {
 *         return switch (alarm) {
 *             case Alarm.Raised r -> HandlerResult.ok(active + 1);
 *             case Alarm.Cleared c -> HandlerResult.ok(active - 1);
 *         };
 *     }
 *
 *     public HandlerCallResult<Integer> handleCall(Object request, Integer active) {
 *         return switch (request) {
 *             case Count() -> HandlerCallResult.ok(active, active);
 *             default -> throw new IllegalArgumentException("unknown request " + request);
 *         };
 *     }
 * }
 *
 * Pid alarms = GenEvent.startLink(StartOptions.named("alarms")).orElseThrow();
 * GenEvent.addHandler(alarms, new ActiveAlarms(), "no args");
 * GenEvent.notify(alarms, new Alarm.Raised("disk full"));         // asynchronous
 * GenEvent.syncNotify(alarms, new Alarm.Raised("fan stopped"));   // returns once handled
 * int active = GenEvent.call(alarms, HandlerId.of(ActiveAlarms.class), new Count()).orElseThrow();   // 2
 * }
 *
 * <h2>Handlers</h2>
 * {@link EventHandler#init} makes a handler's state when it is added; {@link EventHandler#handleEvent}
 * takes each event and returns the next state, or asks to be {@linkplain HandlerResult#remove()
 * removed} or {@linkplain HandlerResult#swap replaced} by another handler;
 * {@link EventHandler#handleCall} answers a request sent to that handler alone;
 * {@link EventHandler#handleInfo} sees every other message the manager receives;
 * {@link EventHandler#terminate} runs when the handler leaves, whatever the reason, and its value is
 * handed to whoever removed it. A handler is known by its class, or by its class and an id
 * ({@link HandlerId}, OTP's {@code Module} or {@code {Module, Id}}), so one class can be installed
 * several times under different ids. As in OTP, adding a second handler with an identity already
 * installed is not refused; requests by that identity then reach the most recently added one.
 *
 * <h2>Client API</h2>
 * The static methods run in the caller and talk to the manager with messages; they work from plain
 * threads too (attached as a process for the duration), except {@link #addSupHandler}, whose caller
 * becomes the handler's owner and must be a process.
 * <ul>
 *   <li>{@link #notify} sends an event and returns at once; it never fails, even if the manager
 *       is not running. {@link #syncNotify} returns once every handler has handled the event.</li>
 *   <li>{@link #call} asks one handler and waits for its reply: {@link CallReply.Reply}, or
 *       {@link CallReply.BadModule} if no such handler is installed, or {@link CallReply.Error} if the
 *       handler failed (it is then removed).</li>
 *   <li>{@link #addHandler}, {@link #deleteHandler} (returning what the handler's terminate returned),
 *       {@link #swapHandler} (the old handler's terminate result goes to the new one's init, in
 *       {@link SwapArgs}), {@link #whichHandlers} (newest first, the order in which handlers are
 *       called).</li>
 *   <li>{@link #stop(Address, ExitReason, Duration)}: every handler's terminate runs with
 *       {@link Removal.Stop}, then the manager exits.</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * A handler callback that throws (or returns {@code null}) costs that handler its place: it is
 * removed, its {@link EventHandler#terminate} runs with {@link Removal.Error}, and one error line
 * is logged on the logger {@code io.jarl.event.GenEvent}, naming the handler, the manager, the
 * event and the reason (OTP's {@code gen_event} error report; the handler's
 * {@link EventHandler#formatStatus} shows its state there). The event goes on to the other
 * handlers; the manager keeps running.
 *
 * <h2>Supervised handlers</h2>
 * {@link #addSupHandler} links the handler to the caller, its owner. When the handler leaves the
 * manager for any reason, the owner receives a {@link GenEventExit}, with reason {@code normal} if
 * it was deleted or removed itself, {@code shutdown} if the manager is stopping, a
 * {@link GenEventExit.Swapped} if it was swapped, and the failure otherwise. When the owner ends,
 * the manager removes its handlers (their terminate gets {@link Removal.OwnerExited}) and then
 * passes the {@link io.jarl.Exit} to every handler's {@link EventHandler#handleInfo}. The link is
 * a real link, and stays when the handler goes (the owner may have other handlers there): if the
 * manager dies abnormally (killed, say), an owner that does not trap exits dies too. A manager that
 * stops in order (by {@link #stop} or its parent's exit) first unlinks the owners of the handlers
 * still installed, as OTP does. This is how a handler gets restarted: its
 * owner is a supervised process (typically a {@link GenServer}) that adds it in {@code init} and,
 * on an abnormal {@link GenEventExit}, adds it again or stops, so that its supervisor restarts it.
 *
 * <h2>Supervision and naming</h2>
 * A manager is a worker in a supervision tree: {@code ChildSpec.worker("alarms", () ->
 * GenEvent.startLink(StartOptions.named("alarms")))}. It always traps exits; an exit signal from its
 * parent (the supervisor's shutdown) runs every handler's terminate, then it exits with that reason.
 * Handlers are not children: a restarted manager starts empty, and whoever added them must add them
 * again. {@link StartOptions} registers the manager under a local name or in a
 * {@link io.jarl.NameRegistry}; every method takes an {@link Address}, so {@code Name.of("alarms")}
 * works wherever a pid does. {@link io.jarl.server.Sys} works on a manager: its state is the list of
 * {@link HandlerState}s ({@code getStatus} shows them through each handler's
 * {@link EventHandler#formatStatus}), {@link #replaceState} changes them, {@code suspend} holds
 * events and calls until {@code resume}, and {@code trace} logs on {@code io.jarl.event.GenEvent}.
 *
 * <h2>Timeouts</h2>
 * {@link #call} waits 5 seconds by default and throws {@link io.jarl.ExitException} with
 * {@code timeout} when no reply came (a late reply never reaches the caller), and with
 * {@code noproc} if the manager is not running. {@link #addHandler}, {@link #deleteHandler},
 * {@link #swapHandler}, {@link #whichHandlers} and {@link #syncNotify} wait as long as it takes, as
 * in OTP: they fail only if the manager dies. Handlers run one after the other in one process, so a
 * handler that blocks delays every event and every caller.
 *
 * <h2>When not to use it</h2>
 * Elixir deprecated {@code GenEvent} because its strength is also its weakness: all handlers run in
 * one process, sequentially. A slow handler slows every event; handlers cannot run in parallel; a
 * handler that is removed on failure is not restarted by anyone unless an owner re-adds it; and a
 * handler's state is hidden inside another process. OTP keeps {@code gen_event} and it remains
 * right for what it was made for: a small, fixed pipeline of cheap handlers that must see the
 * events in order (logging back ends, alarm handlers). Otherwise prefer:
 * <ul>
 *   <li>a Registry with duplicate keys and {@code dispatch} (Elixir's replacement): every subscriber
 *       is its own process, registered under a topic, and receives events as messages, so
 *       subscribers run in parallel, fail alone and are supervised like any process;</li>
 *   <li>{@code pg} process groups, for subscribers spread over several nodes;</li>
 *   <li>a {@link GenServer} that keeps a list of subscriber pids (monitoring them) and sends to
 *       each, when you need control over ordering, buffering or back-pressure;</li>
 *   <li>a plain {@link GenServer} per consumer when there is only one consumer.</li>
 * </ul>
 *
 * <h2>Where it differs from OTP</h2>
 * <ul>
 *   <li>Callback results are sealed types, so a handler cannot return a malformed value; the one
 *       bad value left, {@code null}, is treated as a failure ({@link Removal.Error} with a
 *       {@link NullPointerException}) where OTP reports {@code {error, Term}}.</li>
 *   <li>{@code hibernate} results are accepted and change nothing: between two messages the
 *       manager is a {@linkplain io.jarl.Handler handler process}, with no thread or stack
 *       already. {@code code_change}, {@code start_monitor} and the
 *       {@code hibernate_after} and {@code debug} start options have no equivalent.</li>
 *   <li>{@link #notify} to a name that is not registered does nothing; OTP's fails with
 *       {@code badarg} for an unregistered atom.</li>
 *   <li>{@link SwapArgs#old()} is {@link DeleteResult.NotFound} where OTP passes {@code error}, and
 *       {@link #swapHandler} returns the new handler's failure as it is, where OTP wraps it in
 *       {@code {error, _}}. A swap from a callback accepts an init that asks to hibernate (OTP's
 *       {@code do_swap} treats {@code {ok, State, hibernate}} as a failure).</li>
 *   <li>A handler whose {@link EventHandler#terminate} throws: the failure is returned (as OTP's
 *       {@code {'EXIT', Reason}}) and also logged, where OTP says nothing.</li>
 *   <li>A swapped-in handler whose init fails is reported with its failure as the reason, where
 *       OTP reports and sends the atom {@code crash}.</li>
 * </ul>
 */
public final class GenEvent {
    /*
     * Implementation overview: the manager process is GenEventEngine, built on io.jarl.internal like
     * GenServer. This class only sends it messages: notify is a Gen.Cast (OTP sends {notify, Event}
     * as a plain message), every other request a Gen.Call answered by the engine, so the machinery
     * of GenServer.call (monitor, alias, timeouts, noproc) and of sys serves a manager unchanged.
     */

    static final Logger LOG = LoggerFactory.getLogger(GenEvent.class);

    /** The value OTP spells {@code ok}: what {@link EventHandler#terminate} returns by default. */
    public static final Object OK = SysHandler.OK;

    /** The default time a {@link #call} waits for its reply (OTP: 5000 ms). */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    private GenEvent() {}

    // ------------------------------------------------------------------ start and stop

    /** Starts a manager, not linked to the caller, with no handlers (OTP: {@code gen_event:start/0}). */
    public static StartResult start() {
        return GenEventEngine.start(StartOptions.defaults(), false);
    }

    /**
     * Starts a manager with options (a name, a start timeout), not linked to the caller
     * (OTP: {@code gen_event:start/2}). A taken name fails the start with
     * {@link StartResult.AlreadyStarted}.
     */
    public static StartResult start(StartOptions options) {
        return GenEventEngine.start(options, false);
    }

    /**
     * Starts a manager linked to the caller, as a supervisor does (OTP: {@code gen_event:start_link/0}).
     *
     * @throws NotAProcessException if the caller is not a process
     */
    public static StartResult startLink() {
        return GenEventEngine.start(StartOptions.defaults(), true);
    }

    /** {@link #startLink()} with options (OTP: {@code gen_event:start_link/2}). */
    public static StartResult startLink(StartOptions options) {
        return GenEventEngine.start(options, true);
    }

    /** Stops the manager with reason {@code normal}, waiting as long as it takes (OTP: {@code gen_event:stop/1}). */
    public static void stop(Address manager) {
        stop(manager, ExitReason.normal(), Gen.FOREVER);
    }

    /**
     * Stops the manager with {@code reason}: every handler's {@link EventHandler#terminate} runs with
     * {@link Removal.Stop} (owners of supervised handlers get {@link GenEventExit} with
     * {@code shutdown}), then it exits; waits up to {@code timeout} (OTP: {@code gen_event:stop/3}).
     *
     * @throws io.jarl.ExitException with {@code noproc} if it is not running, {@code timeout} if it
     *         did not stop in time
     */
    public static void stop(Address manager, ExitReason reason, Duration timeout) {
        Gen.stop("GenEvent.stop", manager, reason, timeout);
    }

    // ------------------------------------------------------------------ handlers

    /**
     * Adds {@code handler}, known as {@code HandlerId.of(handler.getClass())}; its
     * {@link EventHandler#init} runs in the manager with {@code args} while the caller waits
     * (OTP: {@code gen_event:add_handler/3}).
     *
     * @return {@link AddResult.Ok}, or why init refused
     * @throws io.jarl.ExitException with {@code noproc} if the manager is not running, or its exit
     *         reason if it died meanwhile
     */
    public static AddResult addHandler(Address manager, EventHandler<?, ?> handler, Object args) {
        return add("GenEvent.addHandler", manager, handler, Optional.empty(), args, Optional.empty());
    }

    /**
     * Adds {@code handler}, known as {@code HandlerId.of(handler.getClass(), id)} (OTP:
     * {@code gen_event:add_handler(M, {Module, Id}, Args)}).
     */
    public static AddResult addHandler(Address manager, EventHandler<?, ?> handler, Object id, Object args) {
        return add("GenEvent.addHandler", manager, handler, Optional.of(Objects.requireNonNull(id, "id")), args,
                Optional.empty());
    }

    /**
     * Adds {@code handler} as {@link #addHandler(Address, EventHandler, Object)} does, supervised by
     * the caller (OTP: {@code gen_event:add_sup_handler/3}): the manager links to the caller; the caller
     * receives a {@link GenEventExit} when the handler leaves; the handler is removed if the caller
     * ends. See "Supervised handlers" above.
     *
     * @throws NotAProcessException if the caller is not a process
     */
    public static AddResult addSupHandler(Address manager, EventHandler<?, ?> handler, Object args) {
        return add("GenEvent.addSupHandler", manager, handler, Optional.empty(), args, Optional.of(owner()));
    }

    /** {@link #addSupHandler(Address, EventHandler, Object)}, known as {@code HandlerId.of(handler.getClass(), id)}. */
    public static AddResult addSupHandler(Address manager, EventHandler<?, ?> handler, Object id, Object args) {
        return add("GenEvent.addSupHandler", manager, handler, Optional.of(Objects.requireNonNull(id, "id")), args,
                Optional.of(owner()));
    }

    private static AddResult add(String api, Address manager, EventHandler<?, ?> handler, Optional<Object> id,
                                 Object args, Optional<Pid> supervisor) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(args, "args");
        return (AddResult) Gen.call(api, manager, new GenEventEngine.AddHandler(handler,
                new HandlerId(handler.getClass(), id), args, supervisor), Gen.FOREVER);
    }

    private static Pid owner() {
        if (!Jarl.inProcess()) {
            throw new NotAProcessException("addSupHandler and swapSupHandler link the handler to the caller, which"
                    + " must be a process; call from a process (Jarl.attach(), Jarl.run())");
        }
        return Jarl.self();
    }

    /**
     * Removes {@code handler}: its {@link EventHandler#terminate} runs with {@code args}
     * (OTP: {@code gen_event:delete_handler/3}). The owner of a supervised handler gets a
     * {@link GenEventExit} with {@code normal}.
     *
     * @return {@link DeleteResult.Ok} with what terminate returned, {@link DeleteResult.NotFound}
     *         ({@code {error, module_not_found}}), or {@link DeleteResult.Crashed} if terminate failed
     *         (the handler is removed all the same)
     */
    public static DeleteResult deleteHandler(Address manager, HandlerId handler, Object args) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(args, "args");
        return (DeleteResult) Gen.call("GenEvent.deleteHandler", manager,
                new GenEventEngine.DeleteHandler(handler, args), Gen.FOREVER);
    }

    /**
     * Replaces {@code old} by {@code next} (OTP: {@code gen_event:swap_handler/3}): {@code old}'s
     * terminate runs with {@code args1}, then {@code next}'s init with {@code new SwapArgs(args2,
     * whatTerminateGave)}. {@code next} is added even if {@code old} was not installed (then
     * {@link SwapArgs#old()} is {@link DeleteResult.NotFound}) or its terminate failed, and {@code old}
     * is gone even if {@code next}'s init fails. If {@code old} was supervised, {@code next} is
     * supervised by the same owner, who gets a {@link GenEventExit} with {@link GenEventExit.Swapped}.
     *
     * @return how adding {@code next} went
     */
    public static AddResult swapHandler(Address manager, HandlerId old, Object args1, EventHandler<?, ?> next,
                                        Object args2) {
        return swap("GenEvent.swapHandler", manager, old, args1, next, Optional.empty(), args2, Optional.empty());
    }

    /** {@link #swapHandler(Address, HandlerId, Object, EventHandler, Object)}, installing {@code next} with {@code nextId}. */
    public static AddResult swapHandler(Address manager, HandlerId old, Object args1, EventHandler<?, ?> next,
                                        Object nextId, Object args2) {
        return swap("GenEvent.swapHandler", manager, old, args1, next,
                Optional.of(Objects.requireNonNull(nextId, "nextId")), args2, Optional.empty());
    }

    /**
     * As {@link #swapHandler(Address, HandlerId, Object, EventHandler, Object)}, and the caller
     * supervises {@code next} (OTP: {@code gen_event:swap_sup_handler/3}).
     *
     * @throws NotAProcessException if the caller is not a process
     */
    public static AddResult swapSupHandler(Address manager, HandlerId old, Object args1, EventHandler<?, ?> next,
                                           Object args2) {
        return swap("GenEvent.swapSupHandler", manager, old, args1, next, Optional.empty(), args2,
                Optional.of(owner()));
    }

    /** {@link #swapSupHandler(Address, HandlerId, Object, EventHandler, Object)}, installing {@code next} with {@code nextId}. */
    public static AddResult swapSupHandler(Address manager, HandlerId old, Object args1, EventHandler<?, ?> next,
                                           Object nextId, Object args2) {
        return swap("GenEvent.swapSupHandler", manager, old, args1, next,
                Optional.of(Objects.requireNonNull(nextId, "nextId")), args2, Optional.of(owner()));
    }

    private static AddResult swap(String api, Address manager, HandlerId old, Object args1, EventHandler<?, ?> next,
                                  Optional<Object> nextId, Object args2, Optional<Pid> supervisor) {
        Objects.requireNonNull(old, "old");
        Objects.requireNonNull(args1, "args1");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(args2, "args2");
        return (AddResult) Gen.call(api, manager, new GenEventEngine.SwapHandler(old, args1, next,
                new HandlerId(next.getClass(), nextId), args2, supervisor), Gen.FOREVER);
    }

    /**
     * The installed handlers, newest first: the order in which they receive events
     * (OTP: {@code gen_event:which_handlers/1}).
     */
    @SuppressWarnings("unchecked")
    public static List<HandlerId> whichHandlers(Address manager) {
        return (List<HandlerId>) Gen.call("GenEvent.whichHandlers", manager, new GenEventEngine.WhichHandlers(),
                Gen.FOREVER);
    }

    // ------------------------------------------------------------------ events and calls

    /**
     * Sends {@code event} to every handler's {@link EventHandler#handleEvent}, without waiting
     * (OTP: {@code gen_event:notify/2}). Never fails, even if the manager is not running.
     */
    public static void notify(Address manager, Object event) {
        Objects.requireNonNull(event, "event");
        Gen.cast(manager, new GenEventEngine.Notify(event));
    }

    /**
     * Sends {@code event} to every handler and returns once all have handled it
     * (OTP: {@code gen_event:sync_notify/2}).
     *
     * @throws io.jarl.ExitException with {@code noproc} if the manager is not running, or its exit
     *         reason if it died meanwhile
     */
    public static void syncNotify(Address manager, Object event) {
        Objects.requireNonNull(event, "event");
        Gen.call("GenEvent.syncNotify", manager, new GenEventEngine.SyncNotify(event), Gen.FOREVER);
    }

    /** Calls one handler, waiting up to 5 seconds (OTP: {@code gen_event:call/3}). */
    public static CallReply<Object> call(Address manager, HandlerId handler, Object request) {
        return call(manager, handler, request, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Calls one handler's {@link EventHandler#handleCall} and waits up to {@code timeout} for its reply
     * (OTP: {@code gen_event:call/4}).
     *
     * @return the reply, {@link CallReply.BadModule} if no such handler is installed, or
     *         {@link CallReply.Error} if the handler failed (it has then been removed, as after any failure)
     * @throws io.jarl.ExitException with {@code noproc} if the manager is not running, {@code timeout}
     *         if no reply came in time (a late reply never reaches the caller), {@code calling_self} when
     *         a handler calls its own manager, or the manager's exit reason if it died meanwhile
     */
    @SuppressWarnings("unchecked")
    public static CallReply<Object> call(Address manager, HandlerId handler, Object request, Duration timeout) {
        return (CallReply<Object>) Gen.call("GenEvent.call", manager, handlerCall(handler, request), timeout);
    }

    /** A call whose request names its reply type, waiting up to 5 seconds. */
    public static <R> CallReply<R> call(Address manager, HandlerId handler, Request<R> request) {
        return call(manager, handler, request, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * A call whose request names its reply type. The handler must reply with an {@code R}; any other
     * reply makes {@link CallReply.Reply#value()} throw {@link ClassCastException} in the caller.
     */
    @SuppressWarnings("unchecked")
    public static <R> CallReply<R> call(Address manager, HandlerId handler, Request<R> request, Duration timeout) {
        return (CallReply<R>) Gen.call("GenEvent.call", manager, handlerCall(handler, request), timeout);
    }

    private static GenEventEngine.HandlerCall handlerCall(HandlerId handler, Object request) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(request, "request");
        return new GenEventEngine.HandlerCall(handler, request);
    }

    /**
     * Sends a call to one handler without waiting (OTP: {@code gen_event:send_request/3}). Collect the
     * answer with {@link GenServer#receiveResponse(RequestId, Duration)},
     * {@link GenServer#waitResponse(RequestId, Duration)} or {@link GenServer#checkResponse(Object,
     * RequestId)}: a {@link io.jarl.server.Response.Reply} carries the {@link CallReply}, and
     * {@link io.jarl.server.Response.Error} means the manager ended first.
     */
    public static RequestId sendRequest(Address manager, HandlerId handler, Object request) {
        return GenServer.sendRequest(manager, handlerCall(handler, request));
    }

    /**
     * Sends a call to one handler without waiting, adding it to {@code ids} with {@code label}
     * (OTP: {@code gen_event:send_request/5}); returns the new collection.
     */
    public static <L> RequestIds<L> sendRequest(Address manager, HandlerId handler, Object request, L label,
                                                RequestIds<L> ids) {
        return ids.add(sendRequest(manager, handler, request), label);
    }

    // ------------------------------------------------------------------ sys

    /**
     * Replaces handlers' states (OTP: {@code sys:replace_state/2} on a {@code gen_event}):
     * {@code change} runs in the manager, once per installed handler, and returns its new
     * {@link HandlerState}. A handler for which it throws, or returns a HandlerState of another
     * handler, keeps its state (logged as a warning), as in OTP. Returns every handler's state
     * afterwards. {@code Sys.replaceState} does the same, but its return type suits a single state.
     */
    @SuppressWarnings("unchecked")
    public static List<HandlerState> replaceState(Address manager, UnaryOperator<HandlerState> change) {
        Objects.requireNonNull(change, "change");
        Object answer = Gen.sysCall(manager, new Gen.SysOp.ReplaceState(s -> change.apply((HandlerState) s)),
                DEFAULT_CALL_TIMEOUT);
        return (List<HandlerState>) ((SysHandler.StateBox) answer).state();
    }
}
