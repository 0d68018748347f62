package io.jarl.internal;

import io.jarl.Address;
import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.server.From;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Implementation overview.
 *
 * OTP's gen module: what every generic server (gen_server, gen_statem, gen_event) shares.
 * - The messages: Call ({'$gen_call', From, Request}), Cast ({'$gen_cast', Request}), the Reply
 *   sent to the caller's alias, and SysRequest ({system, From, Request}, which OTP sends as its own
 *   message and which travels here as a call answered by the engine).
 * - call(): gen:do_call. A monitor whose reference is also an alias (monitor with {alias,
 *   demonitor}; the monitor detects a dead or unknown server as noproc), send Call, receive the
 *   Reply tagged with it or the Down, skipping messages older than the monitor (receive-ref
 *   optimisation). On timeout the demonitor removes the alias with the monitor, so a late reply can
 *   never enter the caller's mailbox; one that arrived just before is still taken.
 * - stop(): proc_lib:stop. A system terminate request, then wait for the Down.
 */
/** The calls, casts and replies every generic server understands (OTP: {@code gen}). */
public final class Gen {
    private Gen() {}

    /** Waits as long as it takes (OTP: {@code infinity}). */
    public static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /** A call (OTP: {@code {'$gen_call', From, Request}}). */
    public record Call(From from, Object request) {}

    /** A cast (OTP: {@code {'$gen_cast', Request}}). */
    public record Cast(Object request) {}

    /** The answer to a call, sent to the caller's alias (OTP: {@code [alias | Tag]} reply). */
    public record Reply(Ref tag, Object value) {}

    /** A system request (OTP: {@code {system, From, Request}}); the engine answers it, not the callbacks. */
    public record SysRequest(SysOp op) {}

    /** The system requests an engine answers (OTP's sys module). */
    public sealed interface SysOp {
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

    /** Runs {@code action} in the calling process, attaching a plain thread for its duration. */
    public static <T> T inProcess(Supplier<T> action) {
        if (Jarl.inProcess()) {
            return action.get();
        }
        try (ProcessScope ignored = Jarl.attach()) {
            return action.get();
        }
    }

    /**
     * Calls {@code server} and waits up to {@code timeout} for the reply (OTP: {@code gen:call/4}).
     *
     * @param api the public function being run, for the exception's message (e.g. {@code GenServer.call})
     * @throws ExitException naming the call, with noproc, calling_self, timeout or the server's exit reason
     */
    public static Object call(String api, Address server, Object request, Duration timeout) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        return inProcess(() -> doCall(api, server, request, timeout));
    }

    /**
     * Whether {@code address} is on another node: it is then monitored and sent to as it is, and
     * its node answers noproc if nobody has it (gen:do_call on {@code {Name, Node}}).
     */
    public static boolean isRemote(Address address) {
        return address instanceof RemotePid || address instanceof RemoteName n && !n.isLocal();
    }

    /** Where to send to reach {@code server}: itself if remote, else the local process it resolves to. */
    public static Optional<Address> target(Address server) {
        return isRemote(server) ? Optional.of(server) : server.resolve().map(p -> p);
    }

    private static Object doCall(String api, Address server, Object request, Duration timeout) {
        Address pid = target(server)
                .orElseThrow(() -> callFailed(api, ExitReason.noproc(), server, request, timeout));
        if (pid.equals(Jarl.self())) {
            throw callFailed(api, ExitReason.of("calling_self"), server, request, timeout);
        }
        // One reference is the monitor and the reply's alias (gen:do_call's {alias, demonitor}):
        // removing the monitor removes the alias, so no reply can arrive after the call has ended.
        Ref tag = Jarl.monitorAlias(pid);
        Jarl.send(pid, new Call(new From(Jarl.self(), tag), request));
        Object answer = Jarl.receive(tag, m -> m instanceof Reply r && r.tag().equals(tag) ? r
                : m instanceof Down d && d.ref().equals(tag) ? d : null, timeout).orElse(null);
        switch (answer) {
            case Reply r -> {
                Jarl.demonitor(tag, true);
                return r.value();
            }
            case Down d -> throw callFailed(api, d.reason(), server, request, timeout);
            case null -> {
                Jarl.demonitor(tag, true);
                // The alias is gone: no reply can arrive any more, but one may have come just now.
                Optional<Reply> late = Jarl.receive(m -> m instanceof Reply r && r.tag().equals(tag) ? r : null,
                        Duration.ZERO);
                if (late.isPresent()) {
                    return late.get().value();
                }
                throw callFailed(api, ExitReason.timeout(), server, request, timeout);
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        }
    }

    /**
     * The exit of a failed call (gen_server:call's {@code {Reason, {gen_server, call, [Server,
     * Request, Timeout]}}}), naming it (built only on failure: toString of a request is not free).
     */
    private static ExitException callFailed(String api, ExitReason reason, Address server, Object request,
                                            Duration timeout) {
        return new ExitException(ExitReason.callFailed(reason, api, List.of(server, request, timeoutArg(timeout))),
                api + "(" + server + ", " + request + ", " + show(timeout) + ")");
    }

    /** A timeout as a failed call's argument: the Duration, or {@code "infinity"} for {@link #FOREVER}. */
    public static Object timeoutArg(Duration timeout) {
        return timeout.equals(FOREVER) ? "infinity" : timeout;
    }

    /** A timeout as it reads in a message: {@code infinity} for {@link #FOREVER}. */
    public static String show(Duration timeout) {
        return timeout.equals(FOREVER) ? "infinity" : timeout.toString();
    }

    /**
     * The exit reason a callback's failure gives its process: an {@link ExitException}'s reason, or
     * a crash. The process's own death ({@link ProcessExitedError}) is passed on, never caught.
     */
    public static ExitReason reasonOf(Throwable t) {
        if (t instanceof ProcessExitedError e) {
            throw e;
        }
        return t instanceof ExitException e ? e.reason() : ExitReason.crash(t);
    }

    /** Sends a cast; never fails (OTP: {@code gen_server:cast/2}). */
    public static void cast(Address server, Object request) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Optional<Address> to;
        try {
            to = target(server);
        } catch (RuntimeException e) {
            return; // OTP: a cast never fails, even to a name whose registry is gone
        }
        to.ifPresent(pid -> Jarl.send(pid, new Cast(request)));
    }

    /** Answers a call, from any process or thread (OTP: {@code gen:reply/2}). */
    public static void reply(From from, Object reply) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(reply, "reply");
        if (from.tag().isLocal() || from.tag().isAlias()) {
            Jarl.send(from.tag(), new Reply(from.tag(), reply));
        } else {
            // A call from another node with a plain reference as its tag (OTP before 24, JInterface):
            // the reply goes to the caller's pid.
            Jarl.send(from.pid(), new Reply(from.tag(), reply));
        }
    }

    /** A system call: a call answered by the engine (OTP: {@code sys}). */
    public static Object sysCall(Address server, SysOp op, Duration timeout) {
        return call("Sys", server, new SysRequest(op), timeout);
    }

    /**
     * Stops {@code server} with {@code reason}: its terminate callback runs, then it exits; waits up to
     * {@code timeout} (OTP: {@code proc_lib:stop/3}).
     *
     * @param api the public function being run, for the exception's message
     */
    public static void stop(String api, Address server, ExitReason reason, Duration timeout) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(timeout, "timeout");
        String context = api + "(" + server + ", " + reason + ", " + show(timeout) + ")";
        inProcess(() -> {
            Address pid = target(server).orElseThrow(() -> new ExitException(ExitReason.noproc(), context));
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
}
