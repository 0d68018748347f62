package io.jarl.server;

import io.jarl.Address;
import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.NameTakenException;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.Via;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * The generic part of every server, as OTP splits gen_server.erl from the callback module:
 * - start(): proc_lib's synchronous start. The caller spawns the server (linked and registered
 *   atomically when asked), monitors it and waits for an Ack sent once init has returned; a Down
 *   before the Ack is a failed start. As in gen_server:init_it, the name is unregistered before the
 *   caller is told that init failed.
 * - call(): gen:do_call. Alias, then monitor (the monitor detects a dead or unknown server as
 *   noproc), send Call, receive the Reply tagged with the alias or the Down, skipping messages older
 *   than the monitor (receive-ref optimisation). On timeout the alias is removed first, so a late
 *   reply can never enter the caller's mailbox; one that arrived just before is still taken.
 * - loop(): one message at a time; handleCommon() interprets every callback result, like
 *   handle_common_reply. A callback that throws, or returns stop, runs terminate() and exits with
 *   the reason; an Exit from the parent while trapping exits does the same (OTP: terminate on the
 *   parent's shutdown). System messages (sys) are handled by the engine, never by the callbacks.
 */
final class GenServerEngine<S, C, K> {
    static final Logger LOG = LoggerFactory.getLogger(GenServer.class);

    record Call(From from, Object request) {}

    record Cast(Object request) {}

    record Reply(Ref tag, Object value) {}

    private record Ack(Ref tag, StartResult result) {}

    /** The system requests the engine answers (OTP's sys module). */
    sealed interface SysOp {
        record GetState() implements SysOp {}

        record ReplaceState(Function<Object, Object> change) implements SysOp {}

        record GetStatus() implements SysOp {}

        record Suspend() implements SysOp {}

        record Resume() implements SysOp {}

        record Terminate(ExitReason reason) implements SysOp {}

        record Statistics(boolean on) implements SysOp {}

        record GetStatistics() implements SysOp {}

        record Trace(boolean on) implements SysOp {}
    }

    private final GenServer<S, C, K> server;
    private Pid parent; // the linked starter, or the server itself when started without a link
    private Pid starter;
    private S state;
    private Optional<Next> next = Optional.empty();
    private boolean suspended;
    private Object lastMessage;
    private long statsSince; // 0: statistics off (OTP: sys debug option statistics)
    private long messagesIn;
    private long messagesOut;
    private boolean trace; // OTP: sys debug option trace

    private GenServerEngine(GenServer<S, C, K> server, Pid parent) {
        this.server = server;
        this.parent = parent;
    }

    // ------------------------------------------------------------------ start (proc_lib)

    static StartResult start(GenServer<?, ?, ?> server, StartOptions options, boolean link) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        if (link && !Jarl.inProcess()) {
            throw new io.jarl.NotAProcessException("startLink links the server to the caller, which must be a"
                    + " process; use start, or call from a process (Jarl.attach(), Jarl.run())");
        }
        return inProcess(() -> doStart(server, options, link));
    }

    private static StartResult doStart(GenServer<?, ?, ?> server, StartOptions options, boolean link) {
        Pid parent = Jarl.self();
        Ref tag = Jarl.makeRef();
        SpawnOptions spawn = SpawnOptions.defaults().initialCall(server.getClass().getName() + ".init/0");
        if (link) {
            spawn = spawn.link();
        }
        if (options.name().isPresent()) {
            spawn = spawn.register(options.name().get());
        }
        Pid pid;
        Ref monitor;
        try {
            // Monitored from birth: the Ack or Down can come before a later monitor() would mark the
            // mailbox, and the receive below skips what came before the tag's mark only.
            io.jarl.Spawned spawned = Jarl.spawnMonitor(spawn,
                    () -> new GenServerEngine<>(server, link ? parent : null).main(parent, tag, options));
            pid = spawned.pid();
            monitor = spawned.monitor();
        } catch (NameTakenException e) {
            return nameTaken(Jarl.whereis(e.name()), e.getMessage());
        }
        Duration timeout = options.timeout().orElse(FOREVER);
        Object answer = Jarl.receive(tag,
                m -> m instanceof Ack a && a.tag().equals(tag) ? a
                        : m instanceof Down d && d.ref().equals(monitor) ? d : null, timeout).orElse(null);
        StartResult result = switch (answer) {
            case Ack a -> a.result();
            case Down d -> new StartResult.Failed(d.reason());
            case null -> {
                // OTP kills a server whose init did not return in time.
                if (link) {
                    Jarl.unlink(pid);
                }
                Jarl.exit(pid, ExitReason.kill());
                yield new StartResult.Failed(ExitReason.timeout());
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        };
        if (result instanceof StartResult.Ok) {
            Jarl.demonitor(monitor, true);
        } else {
            // The server is ending or has ended: wait for it, so that the name is free and a linked
            // caller that traps exits does not find a stray Exit from it later.
            if (!(answer instanceof Down)) {
                Jarl.receive(monitor, m -> m instanceof Down d && d.ref().equals(monitor) ? d : null, FOREVER);
            }
            if (link) {
                Jarl.receive(m -> m instanceof Exit e && e.from().equals(pid) ? e : null, Duration.ZERO);
            }
        }
        return result;
    }

    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /** A start that failed on its name: {@code {already_started, Owner}}, or {@code why} if the owner is gone. */
    private static StartResult nameTaken(Optional<Pid> owner, String why) {
        return new StartResult.Failed(owner.isPresent()
                ? ExitReason.of(new StartResult.AlreadyStarted(owner.get()))
                : ExitReason.of(why));
    }

    /** The server process's body. */
    private void main(Pid starter, Ref tag, StartOptions options) {
        if (parent == null) {
            parent = Jarl.self();
        }
        this.starter = starter;
        if (options.via().isPresent()) {
            // OTP (gen:register_name): a via name is registered by the server itself; a taken one
            // fails the start with {already_started, Pid} and the server exits normal.
            Via via = options.via().get();
            if (!via.registry().registerName(via.key(), Jarl.self())) {
                Jarl.send(starter, new Ack(tag, nameTaken(via.resolve(), "name " + via + " could not be registered")));
                return;
            }
        }
        Init<S> init;
        try {
            init = server.init();
            Objects.requireNonNull(init, "init() returned null");
        } catch (Throwable t) {
            ExitReason reason = reasonOf(t);
            failStart(tag, options, new StartResult.Failed(reason));
            throw exitWith(reason, t, "init failed");
        }
        switch (init) {
            case Init.Ok<S> ok -> {
                state = ok.state();
                next = ok.next();
                Jarl.send(starter, new Ack(tag, new StartResult.Ok(Jarl.self())));
                loop();
            }
            case Init.Ignore<S> ignore -> failStart(tag, options, new StartResult.Ignored());
            case Init.Stop<S> stop -> {
                failStart(tag, options, new StartResult.Failed(stop.reason()));
                throw new ExitException(stop.reason(), "init returned stop");
            }
        }
    }

    /** Frees the server's name, then tells the starter (OTP: gen:unregister_name before init_fail). */
    private void failStart(Ref tag, StartOptions options, StartResult result) {
        options.name().ifPresent(n -> {
            if (Jarl.whereis(n).filter(Jarl.self()::equals).isPresent()) {
                Jarl.unregister(n);
            }
        });
        options.via().ifPresent(via -> via.registry().unregisterName(via.key()));
        Jarl.send(starter, new Ack(tag, result));
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        while (true) {
            Object msg;
            Optional<Next> n = next;
            next = Optional.empty();
            if (suspended) {
                msg = Jarl.receive(m -> m instanceof Call(From f, SysRequest r) ? m : null);
            } else if (n.isPresent() && n.get() instanceof Next.Continue(Object arg)) {
                lastMessage = n.get();
                handleResult(() -> server.handleContinue(arg, state));
                continue;
            } else if (n.isPresent() && n.get() instanceof Next.Timeout(Duration after)) {
                msg = Jarl.receive(after).orElse(GenServer.TIMEOUT);
            } else {
                msg = Jarl.receive();
            }
            lastMessage = msg;
            if (statsSince != 0) {
                messagesIn++;
            }
            if (trace) {
                LOG.info("*DBG* {} got {}", Jarl.self(), msg);
            }
            dispatch(msg);
        }
    }

    @SuppressWarnings("unchecked")
    private void dispatch(Object msg) {
        switch (msg) {
            case Call(From from, SysRequest(SysOp op)) -> handleSystem(from, op);
            case Call(From from, Object request) -> handleCall(from, (C) request);
            case Cast(Object request) -> handleResult(() -> server.handleCast((K) request, state));
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
                    throw exitWith(reasonOf(t), t, "terminate failed");
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
        GenServer.reply(from, reply);
        if (statsSince != 0) {
            messagesOut++;
        }
        if (trace) {
            LOG.info("*DBG* {} sent {} to {}", Jarl.self(), reply, from.pid());
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
            throw stop(reasonOf(t), t);
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
            return exitWith(reasonOf(t), t, "terminate failed");
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

    private static ExitReason reasonOf(Throwable t) {
        if (t instanceof io.jarl.ProcessExitedError e) {
            throw e;
        }
        return t instanceof ExitException e ? e.reason() : ExitReason.crash(t);
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    // ------------------------------------------------------------------ system messages

    @SuppressWarnings("unchecked")
    private void handleSystem(From from, SysOp op) {
        switch (op) {
            case SysOp.GetState() -> GenServer.reply(from, new Sys.StateBox(state));
            case SysOp.ReplaceState(Function<Object, Object> change) -> {
                S changed;
                try {
                    changed = (S) change.apply(state);
                } catch (RuntimeException e) {
                    // OTP: a failing state function leaves the state as it was and fails the caller.
                    GenServer.reply(from, new Sys.Failure(e));
                    return;
                }
                state = changed;
                GenServer.reply(from, new Sys.StateBox(state));
            }
            case SysOp.GetStatus() -> GenServer.reply(from, new Sys.Status(Jarl.self(),
                    server.getClass().getName(), suspended ? Sys.Mode.SUSPENDED : Sys.Mode.RUNNING, parent,
                    safeStatus()));
            case SysOp.Suspend() -> {
                suspended = true;
                GenServer.reply(from, Sys.OK);
            }
            case SysOp.Resume() -> {
                suspended = false;
                GenServer.reply(from, Sys.OK);
            }
            case SysOp.Terminate(ExitReason reason) -> throw stop(reason, null);
            case SysOp.Statistics(boolean on) -> {
                statsSince = on ? Math.max(1, System.currentTimeMillis()) : 0;
                messagesIn = 0;
                messagesOut = 0;
                GenServer.reply(from, Sys.OK);
            }
            case SysOp.GetStatistics() -> GenServer.reply(from, statsSince == 0 ? Sys.NO_STATISTICS
                    : new Sys.Statistics(java.time.Instant.ofEpochMilli(statsSince), java.time.Instant.now(),
                            messagesIn, messagesOut));
            case SysOp.Trace(boolean on) -> {
                trace = on;
                GenServer.reply(from, Sys.OK);
            }
        }
    }

    // ------------------------------------------------------------------ calls (gen.erl)

    static Object call(Address server, Object request, Duration timeout) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        return inProcess(() -> doCall(server, request, timeout));
    }

    /** Runs {@code action} in the calling process, attaching a plain thread for its duration. */
    static <T> T inProcess(Supplier<T> action) {
        if (Jarl.inProcess()) {
            return action.get();
        }
        try (ProcessScope ignored = Jarl.attach()) {
            return action.get();
        }
    }

    private static Object doCall(Address server, Object request, Duration timeout) {
        Pid pid = server.resolve().orElseThrow(() -> callFailed(ExitReason.noproc(), server, request, timeout));
        if (pid.equals(Jarl.self())) {
            throw callFailed(ExitReason.of("calling_self"), server, request, timeout);
        }
        Ref alias = Jarl.alias();
        Ref monitor = Jarl.monitor(pid);
        Jarl.send(pid, new Call(new From(Jarl.self(), alias), request));
        Object answer = Jarl.receive(monitor, m -> m instanceof Reply r && r.tag().equals(alias) ? r
                : m instanceof Down d && d.ref().equals(monitor) ? d : null, timeout).orElse(null);
        Jarl.unalias(alias);
        switch (answer) {
            case Reply r -> {
                Jarl.demonitor(monitor, true);
                return r.value();
            }
            case Down d -> throw callFailed(d.reason(), server, request, timeout);
            case null -> {
                Jarl.demonitor(monitor, true);
                // The alias is gone: no reply can arrive any more, but one may have come just now.
                Optional<Reply> late = Jarl.receive(m -> m instanceof Reply r && r.tag().equals(alias) ? r : null,
                        Duration.ZERO);
                if (late.isPresent()) {
                    return late.get().value();
                }
                throw callFailed(ExitReason.timeout(), server, request, timeout);
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        }
    }

    /** The exit of a failed call, naming it (built only on failure: toString of a request is not free). */
    private static ExitException callFailed(ExitReason reason, Address server, Object request, Duration timeout) {
        return new ExitException(reason, "GenServer.call(" + server + ", " + request + ", " + timeout + ")");
    }

    static RequestId sendRequest(Address server, Object request) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Jarl.self(); // must be a process: the reply comes to its mailbox
        Ref alias = Jarl.alias();
        Optional<Pid> pid = server.resolve();
        if (pid.isEmpty()) {
            // OTP: monitoring a dead or unknown server gives an immediate noproc Down. A Via name has
            // no local process to monitor, so the Down is made here for every kind of address.
            Ref monitor = Jarl.makeRef();
            Jarl.send(Jarl.self(), new Down(monitor, server, ExitReason.noproc()));
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

    static void stop(Address server, ExitReason reason, Duration timeout) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(timeout, "timeout");
        String context = "GenServer.stop(" + server + ", " + reason + ", " + timeout + ")";
        inProcess(() -> {
            Pid pid = server.resolve().orElseThrow(() -> new ExitException(ExitReason.noproc(), context));
            Ref monitor = Jarl.monitor(pid);
            Jarl.send(pid, new Call(new From(Jarl.self(), Jarl.makeRef()), new SysRequest(new SysOp.Terminate(reason))));
            Down down = Jarl.receive(monitor, m -> m instanceof Down d && d.ref().equals(monitor) ? d : null, timeout)
                    .orElse(null);
            if (down == null) {
                Jarl.demonitor(monitor, true);
                throw new ExitException(ExitReason.timeout(), context);
            }
            if (!down.reason().equals(reason)) {
                throw new ExitException(down.reason(), context);
            }
            return null;
        });
    }

    /** A system call: like a call, but answered by the engine (OTP: sys). */
    static Object sysCall(Address server, SysOp op, Duration timeout) {
        return call(server, new SysRequest(op), timeout);
    }

    /** A system request travels as a call (OTP: {@code {system, From, Request}}); the engine answers it. */
    record SysRequest(SysOp op) {}
}
