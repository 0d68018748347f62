package io.jarl;

import java.util.List;
import java.util.Objects;

/**
 * Why a process ended, or the reason carried by an exit signal (OTP: the exit reason term).
 *
 * <p>The reasons OTP gives a meaning to have their own type; anything else is {@link Other}.
 * A process whose body returns exits {@link Normal}; one whose body throws exits {@link Crash}
 * with the exception. {@link #kill()} is the untrappable reason for {@link Jarl#exit(Pid, ExitReason)};
 * a process it kills ends {@link Killed}.
 *
 * <table>
 *   <caption>The reasons and their Erlang spelling</caption>
 *   <tr><th>Jarl</th><th>Erlang</th><th>abnormal</th></tr>
 *   <tr><td>{@code normal()}</td><td>{@code normal}</td><td>no</td></tr>
 *   <tr><td>{@code shutdown()}</td><td>{@code shutdown}</td><td>no</td></tr>
 *   <tr><td>{@code shutdown(detail)}</td><td>{@code {shutdown, Detail}}</td><td>no</td></tr>
 *   <tr><td>{@code kill()}</td><td>{@code kill}</td><td>yes</td></tr>
 *   <tr><td>{@code killed()}</td><td>{@code killed}</td><td>yes</td></tr>
 *   <tr><td>{@code noproc()}</td><td>{@code noproc}</td><td>yes</td></tr>
 *   <tr><td>{@code timeout()}</td><td>{@code timeout}</td><td>yes</td></tr>
 *   <tr><td>{@code noconnection()}</td><td>{@code noconnection}</td><td>yes</td></tr>
 *   <tr><td>{@code crash(e)}</td><td>{@code {Reason, Stack}}</td><td>yes</td></tr>
 *   <tr><td>{@code callFailed(r, "GenServer.call", args)}</td><td>{@code {R, {gen_server, call, Args}}}</td>
 *       <td>yes</td></tr>
 *   <tr><td>{@code mailboxOverflow(len)}</td><td>{@code {mailbox_overflow, Len}}</td><td>yes</td></tr>
 *   <tr><td>{@code of(term)}</td><td>any other term</td><td>yes</td></tr>
 * </table>
 */
public sealed interface ExitReason {

    /** The process finished its work. Links ignore it unless they trap exits. */
    record Normal() implements ExitReason {
        @Override
        public String toString() {
            return "normal";
        }
    }

    /** An orderly stop requested by a supervisor or owner ({@code shutdown}). */
    record Shutdown() implements ExitReason {
        @Override
        public String toString() {
            return "shutdown";
        }
    }

    /** An orderly stop with a detail ({@code {shutdown, Detail}}). */
    record ShutdownWith(Object detail) implements ExitReason {
        public ShutdownWith {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return "{shutdown, " + detail + "}";
        }
    }

    /** The untrappable reason: a process sent {@code kill} by {@link Jarl#exit(Pid, ExitReason)} ends {@link Killed}. */
    record Kill() implements ExitReason {
        @Override
        public String toString() {
            return "kill";
        }
    }

    /** The reason of a process that was sent {@code kill}. */
    record Killed() implements ExitReason {
        @Override
        public String toString() {
            return "killed";
        }
    }

    /** The process did not exist (linking to, monitoring or calling a dead pid or unknown name). */
    record NoProc() implements ExitReason {
        @Override
        public String toString() {
            return "noproc";
        }
    }

    /** A call or wait ran out of time. */
    record Timeout() implements ExitReason {
        @Override
        public String toString() {
            return "timeout";
        }
    }

    /** The connection to the process's node was lost. */
    record NoConnection() implements ExitReason {
        @Override
        public String toString() {
            return "noconnection";
        }
    }

    /** The process's code threw {@code error}; Erlang's {@code {Reason, Stacktrace}}. */
    record Crash(Throwable error) implements ExitReason {
        public Crash {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public String toString() {
            return "{" + error + ", " + error.getStackTrace().length + " frames}";
        }
    }

    /**
     * A call that failed (OTP: {@code {Reason, {gen_server, call, [Server, Request, Timeout]}}}, the
     * exit of {@code gen_server:call}; Elixir: {@code {reason, {GenServer, :call, [...]}}}): the
     * caller exits with this unless it catches the {@link ExitException}. {@code reason} is why
     * ({@code noproc}, {@code timeout}, the server's exit reason...), {@code function} names the call
     * ({@code GenServer.call}, {@code GenStateMachine.call}...) and {@code args} are its arguments:
     * the server, the request, the timeout. Abnormal whatever {@code reason} is: a server that stops
     * normally during a call crashes its caller, as in OTP. A failed {@code Task.await} has the same
     * shape, as in Elixir ({@code {reason, {Task, :await, [task, timeout]}}}).
     */
    record CallFailed(ExitReason reason, String function, List<Object> args) implements ExitReason {
        public CallFailed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(function, "function");
            args = List.copyOf(args);
        }

        @Override
        public String toString() {
            return "{" + reason + ", {" + function + ", " + args + "}}";
        }
    }

    /**
     * A process whose bounded mailbox overflowed with the {@link MailboxLimits.Overflow.Exit} policy
     * ({@code {mailbox_overflow, Len}}): {@code length} messages it would have held. Not trappable.
     */
    record MailboxOverflow(int length) implements ExitReason {
        @Override
        public String toString() {
            return "{mailbox_overflow, " + length + "}";
        }
    }

    /** Any other reason: a term chosen by the program, such as {@code "crashed"} or a record. */
    record Other(Object term) implements ExitReason {
        public Other {
            Objects.requireNonNull(term, "term");
        }

        @Override
        public String toString() {
            return String.valueOf(term);
        }
    }

    /** Whether a supervisor or crash report treats this reason as a failure: all but normal and shutdown. */
    default boolean isAbnormal() {
        return !(this instanceof Normal || this instanceof Shutdown || this instanceof ShutdownWith);
    }

    ExitReason NORMAL = new Normal();
    ExitReason SHUTDOWN = new Shutdown();
    ExitReason KILL = new Kill();
    ExitReason KILLED = new Killed();
    ExitReason NOPROC = new NoProc();
    ExitReason TIMEOUT = new Timeout();
    ExitReason NOCONNECTION = new NoConnection();

    static ExitReason normal() {
        return NORMAL;
    }

    static ExitReason shutdown() {
        return SHUTDOWN;
    }

    static ExitReason shutdown(Object detail) {
        return new ShutdownWith(detail);
    }

    static ExitReason kill() {
        return KILL;
    }

    static ExitReason killed() {
        return KILLED;
    }

    static ExitReason noproc() {
        return NOPROC;
    }

    static ExitReason timeout() {
        return TIMEOUT;
    }

    static ExitReason noconnection() {
        return NOCONNECTION;
    }

    static ExitReason crash(Throwable error) {
        return new Crash(error);
    }

    /** The reason of a process its bounded mailbox killed at {@code length} messages. */
    static ExitReason mailboxOverflow(int length) {
        return new MailboxOverflow(length);
    }

    /** A failed call's reason: {@code reason}, and the call ({@code function} with its {@code args}). */
    static ExitReason callFailed(ExitReason reason, String function, List<?> args) {
        return new CallFailed(reason, function, List.copyOf(args));
    }

    /**
     * Why, under any failed call: the reason itself, or for a {@link CallFailed} the reason of the
     * innermost call (the server's own call may have failed too). For code that decides by the kind
     * of failure ({@code noproc}: the server is gone) rather than by which call it was.
     */
    default ExitReason cause() {
        ExitReason r = this;
        while (r instanceof CallFailed c) {
            r = c.reason();
        }
        return r;
    }

    /** A reason from a term; an {@code ExitReason} is returned as it is, never wrapped. */
    static ExitReason of(Object term) {
        return term instanceof ExitReason r ? r : new Other(term);
    }
}
