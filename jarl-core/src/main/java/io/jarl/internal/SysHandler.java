package io.jarl.internal;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.server.From;
import io.jarl.server.Sys;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;

/*
 * Implementation overview.
 *
 * OTP's sys module, engine side (sys:handle_system_msg with the debug options statistics and
 * trace): what every generic engine keeps about itself for sys — suspended or not, statistics,
 * trace — and the answers to the system requests that do not depend on the behaviour. What does
 * depend on it (the state, its replacement, the status shown, terminate) comes from the Host.
 */
/** The system-message side of a generic engine (OTP: {@code sys:handle_system_msg/6}). */
public final class SysHandler {
    /** The answer to a request that has nothing to return (OTP: {@code ok}). */
    public static final Object OK = new Object() {
        @Override
        public String toString() {
            return "ok";
        }
    };

    /** The answer to a statistics request when statistics are off. */
    public static final Object NO_STATISTICS = new Object() {
        @Override
        public String toString() {
            return "no_statistics";
        }
    };

    /** The answer to getState and replaceState. */
    public record StateBox(Object state) {}

    /** The answer to a replaceState whose function threw: the state is unchanged. */
    public record Failure(RuntimeException error) {}

    /** What the engine provides to the system requests. */
    public interface Host {
        /** The state as sys shows it (OTP: gen_statem shows {@code {State, Data}}). */
        Object systemState();

        /** Applies {@code change} to the state shown by {@link #systemState()}; returns the new one. */
        Object replaceSystemState(Function<Object, Object> change);

        /** The state as getStatus shows it (OTP: {@code format_status}). */
        Object formatStatus();

        /** The callback module's name. */
        String module();

        /** The engine's parent. */
        Pid parent();

        /** Runs the terminate callback and returns the exception that ends the process with {@code reason}. */
        RuntimeException terminate(ExitReason reason);
    }

    private final Logger log;
    private boolean suspended;
    private long statsSince; // 0: statistics off
    private long messagesIn;
    private long messagesOut;
    private boolean trace;

    /** @param log where trace lines go */
    public SysHandler(Logger log) {
        this.log = log;
    }

    /** Whether the engine must answer system requests only. */
    public boolean suspended() {
        return suspended;
    }

    /** Whether {@code sys} (an engine's, null until its first system request) has it suspended. */
    public static boolean suspended(SysHandler sys) {
        return sys != null && sys.suspended;
    }

    /** {@code sys}, or a new one if the engine has none yet (it makes it on its first system request). */
    public static SysHandler made(SysHandler sys, Logger log) {
        return sys != null ? sys : new SysHandler(log);
    }

    /**
     * Waits for the next message a suspended engine takes: a system request, or its parent's exit
     * signal (OTP: {@code sys:suspend_loop}). The engine is a handler process; this is the one wait
     * that holds its thread, until it is resumed.
     */
    public static Object receiveSuspended(Pid parent) {
        return Jarl.receive(m -> m instanceof Gen.Call(From f, Gen.SysRequest r)
                || m instanceof io.jarl.Exit(Pid from, ExitReason reason) && from.equals(parent) ? m : null);
    }

    /** Counts and traces a message the engine took. */
    public void received(Object message) {
        if (statsSince != 0) {
            messagesIn++;
        }
        if (trace) {
            log.info("*DBG* {} got {}", Jarl.self(), message);
        }
    }

    /** Counts and traces a reply the engine sent. */
    public void replied(Pid to, Object reply) {
        if (statsSince != 0) {
            messagesOut++;
        }
        if (trace) {
            log.info("*DBG* {} sent {} to {}", Jarl.self(), reply, to);
        }
    }

    /** Answers a system request; throws to end the process on terminate. */
    public void handle(From from, Gen.SysOp op, Host host) {
        switch (op) {
            case Gen.SysOp.GetState() -> Gen.reply(from, new StateBox(host.systemState()));
            case Gen.SysOp.ReplaceState(Function<Object, Object> change) -> {
                Object changed;
                try {
                    changed = host.replaceSystemState(change);
                } catch (RuntimeException e) {
                    // OTP: a failing state function leaves the state as it was and fails the caller.
                    Gen.reply(from, new Failure(e));
                    return;
                }
                Gen.reply(from, new StateBox(changed));
            }
            case Gen.SysOp.GetStatus() -> Gen.reply(from, new Sys.Status(Jarl.self(), host.module(),
                    suspended ? Sys.Mode.SUSPENDED : Sys.Mode.RUNNING, host.parent(), host.formatStatus()));
            case Gen.SysOp.Suspend() -> {
                suspended = true;
                Gen.reply(from, OK);
            }
            case Gen.SysOp.Resume() -> {
                suspended = false;
                Gen.reply(from, OK);
            }
            case Gen.SysOp.Terminate(ExitReason reason) -> throw host.terminate(reason);
            case Gen.SysOp.Statistics(boolean on) -> {
                statsSince = on ? Math.max(1, System.currentTimeMillis()) : 0;
                messagesIn = 0;
                messagesOut = 0;
                Gen.reply(from, OK);
            }
            case Gen.SysOp.GetStatistics() -> Gen.reply(from, statsSince == 0 ? NO_STATISTICS
                    : new Sys.Statistics(Instant.ofEpochMilli(statsSince), Instant.now(), messagesIn, messagesOut));
            case Gen.SysOp.Trace(boolean on) -> {
                trace = on;
                Gen.reply(from, OK);
            }
        }
    }
}
