package io.jarl.server;

import io.jarl.internal.Gen;
import io.jarl.internal.SysHandler;
import io.jarl.Address;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Looks into and steers a running server from outside, through messages its engine answers
 * (OTP: the {@code sys} module). For debugging and operations, not for the server's own protocol.
 */
public final class Sys {
    private Sys() {}

    /** Whether a server is handling messages or suspended. */
    public enum Mode { RUNNING, SUSPENDED }

    /**
     * A server's status (OTP: {@code sys:get_status/1}).
     *
     * @param pid    the server
     * @param module the callback class
     * @param mode   running or suspended
     * @param parent the process that started it
     * @param state  the state as {@link GenServer#formatStatus} shows it
     */
    public record Status(Pid pid, String module, Mode mode, Pid parent, Object state) {}

    /** The server's current state (OTP: {@code sys:get_state/1}); waits 5 seconds. */
    public static Object getState(Address server) {
        return ((SysHandler.StateBox) Gen.sysCall(server, new Gen.SysOp.GetState(),
                GenServer.DEFAULT_CALL_TIMEOUT)).state();
    }

    /**
     * Replaces the server's state with {@code change} applied to it, in the server, and returns the new
     * state (OTP: {@code sys:replace_state/2}). If {@code change} throws, the state stays as it was
     * and this throws an {@link ExitException} carrying the failure.
     */
    @SuppressWarnings("unchecked")
    public static <S> S replaceState(Address server, UnaryOperator<S> change) {
        Objects.requireNonNull(change, "change");
        Object answer = Gen.sysCall(server,
                new Gen.SysOp.ReplaceState(s -> change.apply((S) s)), GenServer.DEFAULT_CALL_TIMEOUT);
        if (answer instanceof SysHandler.Failure(RuntimeException error)) {
            throw new ExitException(ExitReason.crash(error), "Sys.replaceState(" + server + ")");
        }
        return (S) ((SysHandler.StateBox) answer).state();
    }

    /** The server's status (OTP: {@code sys:get_status/1}). */
    public static Status getStatus(Address server) {
        return (Status) Gen.sysCall(server, new Gen.SysOp.GetStatus(),
                GenServer.DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Suspends the server (OTP: {@code sys:suspend/1}): it answers only system requests until
     * {@link #resume}; other messages wait in its mailbox, in order.
     */
    public static void suspend(Address server) {
        Gen.sysCall(server, new Gen.SysOp.Suspend(), GenServer.DEFAULT_CALL_TIMEOUT);
    }

    /** Resumes a suspended server (OTP: {@code sys:resume/1}). */
    public static void resume(Address server) {
        Gen.sysCall(server, new Gen.SysOp.Resume(), GenServer.DEFAULT_CALL_TIMEOUT);
    }

    /**
     * What a server counted since {@link #statistics(Address, boolean)} was turned on (OTP:
     * {@code sys:statistics(Name, get)}; Java has no reductions to report).
     *
     * @param since       when counting started
     * @param now         when these figures were taken
     * @param messagesIn  messages the server took from its mailbox (calls, casts, infos, system requests)
     * @param messagesOut replies it sent to calls
     */
    public record Statistics(java.time.Instant since, java.time.Instant now, long messagesIn, long messagesOut) {}

    /** Turns the server's statistics on (counting from zero) or off (OTP: {@code sys:statistics/2}). */
    public static void statistics(Address server, boolean on) {
        Gen.sysCall(server, new Gen.SysOp.Statistics(on), GenServer.DEFAULT_CALL_TIMEOUT);
    }

    /** The server's statistics, if turned on (OTP: {@code sys:statistics(Name, get)}). */
    public static java.util.Optional<Statistics> getStatistics(Address server) {
        Object answer = Gen.sysCall(server, new Gen.SysOp.GetStatistics(),
                GenServer.DEFAULT_CALL_TIMEOUT);
        return answer instanceof Statistics s ? java.util.Optional.of(s) : java.util.Optional.empty();
    }

    /**
     * Turns tracing on or off (OTP: {@code sys:trace/2}): the server logs every message it takes and
     * every reply it sends, at info level on the logger {@code io.jarl.server.GenServer}, as
     * {@code *DBG* <0.42.0> got ...} and {@code *DBG* <0.42.0> sent ... to <0.7.0>}.
     */
    public static void trace(Address server, boolean on) {
        Gen.sysCall(server, new Gen.SysOp.Trace(on), GenServer.DEFAULT_CALL_TIMEOUT);
    }

    /** As {@link #getState(Address)} with a timeout. */
    public static Object getState(Address server, Duration timeout) {
        return ((SysHandler.StateBox) Gen.sysCall(server, new Gen.SysOp.GetState(), timeout)).state();
    }
}
