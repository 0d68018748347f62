package io.jarl.server;

import io.jarl.Address;
import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.internal.Core;
import io.jarl.internal.Gen;
import io.jarl.internal.Gen.Call;
import io.jarl.internal.Gen.Reply;
import io.jarl.internal.Gen.SysOp;
import io.jarl.internal.Gen.SysRequest;
import io.jarl.internal.ProcLib;
import io.jarl.internal.SysHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * The generic part of every server, as OTP splits gen_server.erl from the callback module. What
 * gen_server shares with the other behaviours (the messages, gen:call, proc_lib's start, sys) is in
 * io.jarl.internal (Gen, ProcLib, SysHandler).
 * - start(): ProcLib.startHandler: the server is a handler process (io.jarl.Handler) whose state
 *   is this engine, so between two messages it holds no thread and no stack (what OTP's hibernate
 *   gives a process). init() registers a via name, runs the callback's init and answers the starter.
 * - handle(): one message at a time (take), then proceed() until the server waits again:
 *   handleContinue runs at once, a timeout becomes a timer that sends the server a token of its
 *   own (OTP: receive ... after Time), sys suspension receives system messages only. apply()
 *   interprets every callback result, like handle_common_reply. A callback that throws, or
 *   returns stop, runs terminate() and exits with the reason; an Exit from the parent while
 *   trapping exits does the same (OTP: terminate on the parent's shutdown). System messages (sys) are handled by the engine, never by the callbacks.
 */
final class GenServerEngine<S, C, K> implements SysHandler.Host {
    static final Logger LOG = LoggerFactory.getLogger(GenServer.class);

    private final GenServer<S, C, K> server;
    private final Pid parent; // the linked starter, or the server itself when started without a link
    private S state;
    private Optional<Next> next = Optional.empty();
    private Duration timeoutAfter;     // the timeout in force, until a message comes
    private TimeoutToken timeoutToken; // its message to come
    private Ref timeoutTimer;          // its timer, null for a zero timeout
    private Object lastMessage;
    private SysHandler sys; // made by the first system request: most servers never see one

    private GenServerEngine(GenServer<S, C, K> server, Pid parent) {
        this.server = server;
        this.parent = parent;
    }

    // ------------------------------------------------------------------ start (gen_server:init_it)

    static StartResult start(GenServer<?, ?, ?> server, StartOptions options, boolean link) {
        Objects.requireNonNull(server, "server");
        return startEngine(server, options, link);
    }

    private static <S, C, K> StartResult startEngine(GenServer<S, C, K> server, StartOptions options, boolean link) {
        return ProcLib.startHandler(ProcLib.initCall(server.getClass()), options, link,
                (parent, starter) -> new GenServerEngine<>(server, parent).init(starter), GenServerEngine::handle);
    }

    /** The server process's first activation: its state is the engine, or null to end normal. */
    private GenServerEngine<S, C, K> init(ProcLib.Starter starter) {
        if (!starter.registerVia()) {
            return null; // OTP: a taken via name ends the server normal
        }
        Init<S> init;
        try {
            init = server.init();
            Objects.requireNonNull(init, "init() returned null");
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            starter.fail(new StartResult.Failed(reason));
            throw exitWith(reason, t, "init failed");
        }
        return switch (init) {
            case Init.Ok<S> ok -> {
                state = ok.state();
                next = ok.next();
                starter.ok();
                yield proceed();
            }
            case Init.Ignore<S> ignore -> {
                starter.fail(new StartResult.Ignored());
                yield null;
            }
            case Init.Stop<S> stop -> {
                starter.fail(new StartResult.Failed(stop.reason()));
                throw new ExitException(stop.reason(), "init returned stop");
            }
        };
    }

    // ------------------------------------------------------------------ the loop, one message at a time

    /** The server's handler: between two messages the server is this engine and its mailbox. */
    private GenServerEngine<S, C, K> handle(Object msg) {
        return take(msg) ? proceed() : this;
    }

    /**
     * What follows a callback, until the server waits again: handleContinue at once; a timeout
     * armed; while sys has the server suspended, only system messages and the parent's exit signal,
     * received here (the only wait that holds a thread: OTP's suspend loop).
     */
    private GenServerEngine<S, C, K> proceed() {
        for (;;) {
            if (SysHandler.suspended(sys)) {
                take(SysHandler.receiveSuspended(parent));
                continue;
            }
            if (next.isPresent()) {
                Next n = next.get();
                next = Optional.empty();
                timeoutAfter = null;
                switch (n) {
                    case Next.Continue(Object arg) -> {
                        lastMessage = n;
                        handleResult(() -> server.handleContinue(arg, state));
                        continue;
                    }
                    case Next.Timeout(Duration after) -> timeoutAfter = after;
                    case Next.Hibernate() -> {
                        // Between messages the server holds no thread or stack already.
                    }
                }
            }
            if (timeoutAfter != null && timeoutToken == null) {
                timeoutToken = new TimeoutToken();
                if (timeoutAfter.isZero()) {
                    Jarl.send(Jarl.self(), timeoutToken); // OTP's after 0: whatever is queued comes first
                } else {
                    timeoutTimer = Jarl.sendAfter(Jarl.self(), timeoutToken, timeoutAfter);
                }
            }
            return this;
        }
    }

    /**
     * A message for the server; false for the token of a timeout that no longer holds. A system
     * message leaves a timeout in force, restarted when it has been answered (OTP: sys's
     * system_continue goes back to the loop with the same Time).
     */
    private boolean take(Object msg) {
        if (msg instanceof TimeoutToken) {
            if (msg != timeoutToken) {
                return false;
            }
            timeoutToken = null;
            timeoutTimer = null;
            timeoutAfter = null;
            msg = GenServer.TIMEOUT;
        } else if (timeoutToken != null) {
            if (timeoutTimer != null) {
                Jarl.cancelTimer(timeoutTimer);
            }
            timeoutToken = null;
            timeoutTimer = null;
        }
        if (!(msg instanceof Call(From f, SysRequest r))) {
            timeoutAfter = null;
        }
        lastMessage = msg;
        if (sys != null) {
            sys.received(msg);
        }
        dispatch(msg);
        return true;
    }

    /** A server timeout's message to itself; each timeout has its own, so a late one is known. */
    private static final class TimeoutToken {
        @Override
        public String toString() {
            return "timeout";
        }
    }

    @SuppressWarnings("unchecked")
    private void dispatch(Object msg) {
        switch (msg) {
            case Call(From from, SysRequest(SysOp op)) -> (sys = SysHandler.made(sys, LOG)).handle(from, op, this);
            case Call(From from, Object request) -> handleCall(from, (C) request);
            case Gen.Cast(Object request) -> handleResult(() -> server.handleCast((K) request, state));
            case Exit(Pid from, ExitReason reason) when from.equals(parent) -> throw stop(reason, null);
            default -> handleInfo(msg);
        }
    }

    private void handleInfo(Object msg) {
        handleResult(() -> server.handleInfo(msg, state));
    }

    private void handleCall(From from, C request) {
        switch (invoke(() -> server.handleCall(request, from, state))) {
            case CallResult.Reply<S> r -> {
                replied(from, r.reply());
                state = r.state();
                next = r.next();
            }
            case CallResult.StopReply<S> s -> {
                state = s.state();
                try {
                    server.terminate(s.reason(), state);
                } catch (Throwable t) {
                    replied(from, s.reply());
                    throw exitWith(Gen.reasonOf(t), t, "terminate failed");
                }
                replied(from, s.reply());
                throw exitWith(s.reason(), null, "stopped");
            }
            case Result.NoReply<S> r -> apply(r);
            case Result.Stop<S> r -> apply(r);
        }
    }

    /** Replies to a call, counting and tracing it when asked to. */
    private void replied(From from, Object reply) {
        Gen.reply(from, reply);
        if (sys != null) {
            sys.replied(from.pid(), reply);
        }
    }

    private void handleResult(ThrowingSupplier<Result<S>> callback) {
        apply(invoke(callback));
    }

    /** Runs a callback; one that throws or returns null stops the server (after terminate). */
    private <R> R invoke(ThrowingSupplier<R> callback) {
        R result;
        try {
            result = callback.get();
        } catch (Throwable t) {
            throw stop(Gen.reasonOf(t), t);
        }
        if (result == null) {
            NullPointerException npe = new NullPointerException("a callback of " + server.getClass().getName()
                    + " returned null");
            throw stop(ExitReason.crash(npe), npe);
        }
        return result;
    }

    /** Interprets a noreply or stop result (OTP: handle_common_reply). */
    private void apply(Result<S> result) {
        switch (result) {
            case Result.NoReply<S> r -> {
                state = r.state();
                next = r.next();
            }
            case Result.Stop<S> s -> {
                state = s.state();
                throw stop(s.reason(), null);
            }
        }
    }

    /** Runs terminate and returns the exception that exits with {@code reason} (or terminate's failure). */
    private ExitException stop(ExitReason reason, Throwable failure) {
        try {
            server.terminate(reason, state);
        } catch (Throwable t) {
            return exitWith(Gen.reasonOf(t), t, "terminate failed");
        }
        return exitWith(reason, failure, failure == null ? "stopped" : "a callback failed");
    }

    /** The exception that ends the process; its message is the gen_server termination report. */
    private ExitException exitWith(ExitReason reason, Throwable failure, String what) {
        if (failure instanceof io.jarl.ProcessExitedError e) {
            throw e;
        }
        String report = "GenServer " + Jarl.self() + " (" + server.getClass().getName() + ") terminating: " + what
                + "; last message: " + lastMessage + "; state: " + safeStatus();
        return new ExitException(reason, report);
    }

    private Object safeStatus() {
        try {
            return server.formatStatus(state);
        } catch (RuntimeException e) {
            return "(formatStatus failed: " + e + ")";
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    // ------------------------------------------------------------------ system messages (sys)

    @Override
    public Object systemState() {
        return state;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object replaceSystemState(Function<Object, Object> change) {
        state = (S) change.apply(state);
        return state;
    }

    @Override
    public Object formatStatus() {
        return safeStatus();
    }

    @Override
    public String module() {
        return server.getClass().getName();
    }

    @Override
    public Pid parent() {
        return parent;
    }

    @Override
    public RuntimeException terminate(ExitReason reason) {
        return stop(reason, null);
    }

    // ------------------------------------------------------------------ request ids (gen.erl)

    static RequestId sendRequest(Address server, Object request) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Jarl.self(); // must be a process: the reply comes to its mailbox
        Ref alias = Jarl.alias();
        Optional<Address> pid = Gen.target(server);
        if (pid.isEmpty()) {
            // OTP: monitoring a dead or unknown server gives an immediate noproc Down. A Via name has
            // no local process to monitor, so the Down is made here for every kind of address.
            Ref monitor = Jarl.makeRef();
            Core.get().noprocDown(monitor, server);
            return new RequestId(server, monitor, alias);
        }
        Ref monitor = Jarl.monitor(pid.get());
        Jarl.send(pid.get(), new Call(new From(Jarl.self(), alias), request));
        return new RequestId(server, monitor, alias);
    }

    static Response receiveResponse(RequestId id, Duration timeout, boolean abandonOnTimeout) {
        Objects.requireNonNull(id, "id");
        Object answer = Jarl.receive(id.monitor(), m -> answers(m, id) ? m : null, timeout).orElse(null);
        if (answer != null) {
            return checkResponse(answer, id);
        }
        if (!abandonOnTimeout) {
            return new Response.Timeout();
        }
        Jarl.unalias(id.alias());
        Jarl.demonitor(id.monitor(), true);
        return Jarl.receive(m -> m instanceof Reply r && r.tag().equals(id.alias()) ? r : null, Duration.ZERO)
                .<Response>map(r -> new Response.Reply(r.value()))
                .orElse(new Response.Timeout());
    }

    /** Whether {@code message} is the reply to {@code id}, or the Down of its server. */
    static boolean answers(Object message, RequestId id) {
        return message instanceof Reply r && r.tag().equals(id.alias())
                || message instanceof Down d && d.ref().equals(id.monitor());
    }

    static Response checkResponse(Object message, RequestId id) {
        Objects.requireNonNull(id, "id");
        if (message instanceof Reply r && r.tag().equals(id.alias())) {
            Jarl.unalias(id.alias());
            Jarl.demonitor(id.monitor(), true);
            return new Response.Reply(r.value());
        }
        if (message instanceof Down d && d.ref().equals(id.monitor())) {
            Jarl.unalias(id.alias());
            return new Response.Error(d.reason());
        }
        return new Response.NoReply();
    }

    static <L> Responses<L> receiveResponse(RequestIds<L> ids, Duration timeout, boolean delete,
                                            boolean abandonOnTimeout) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(timeout, "timeout");
        if (ids.size() == 0) {
            return new Responses.NoRequest<>();
        }
        Object answer = Jarl.receive(m -> ids.answeredBy(m).isPresent() ? m : null, timeout).orElse(null);
        if (answer != null) {
            return checkResponse(answer, ids, delete);
        }
        if (abandonOnTimeout) {
            // OTP: receive_response abandons the requests at timeout; replies already queued go too.
            for (RequestId id : ids.ids()) {
                Jarl.unalias(id.alias());
                Jarl.demonitor(id.monitor(), true);
            }
            while (Jarl.receive(m -> m instanceof Reply && ids.answeredBy(m).isPresent() ? m : null, Duration.ZERO)
                    .isPresent()) {
                // dropped
            }
        }
        return new Responses.Timeout<>();
    }

    static <L> Responses<L> checkResponse(Object message, RequestIds<L> ids, boolean delete) {
        Objects.requireNonNull(ids, "ids");
        if (ids.size() == 0) {
            return new Responses.NoRequest<>();
        }
        Optional<RequestId> id = ids.answeredBy(message);
        if (id.isEmpty()) {
            return new Responses.NoReply<>();
        }
        Response response = checkResponse(message, id.get());
        return new Responses.Answer<>(response, ids.label(id.get()), delete ? ids.remove(id.get()) : ids);
    }

}
