package io.jarl.supervisor;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.server.StartResult;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisor reports (OTP: {@code report_error/4}, the {@code {supervisor, Context}} reports), and the
 * one place that runs a child's start function (OTP: {@code do_start_child_i/3}).
 *
 * <p>Each report is one log line at error level on the logger {@code io.jarl.supervisor}, written by
 * the supervisor that decided the outcome. As in Elixir, an exit with {@code normal},
 * {@code shutdown} or {@code {shutdown, _}} is not reported as {@code child_terminated}; OTP reports it
 * for permanent children.
 */
final class Reports {
    static final Logger LOG = LoggerFactory.getLogger("io.jarl.supervisor");

    /** The error contexts of OTP's supervisor reports. */
    enum Context {
        START_ERROR("start_error"),
        CHILD_TERMINATED("child_terminated"),
        SHUTDOWN_ERROR("shutdown_error"),
        SHUTDOWN("shutdown");

        final String erlang;

        Context(String erlang) {
            this.erlang = erlang;
        }
    }

    /** The reason of the {@code shutdown} report (OTP: {@code reached_max_restart_intensity}). */
    static final Object REACHED_MAX_RESTART_INTENSITY = new Object() {
        @Override
        public String toString() {
            return "reached_max_restart_intensity";
        }
    };

    private Reports() {}

    static void report(Object supervisor, Context context, Object reason, Pid pid, ChildSpec child) {
        if (context == Context.CHILD_TERMINATED && reason instanceof ExitReason r && !r.isAbnormal()) {
            return;
        }
        LOG.error("supervisor report: supervisor {}, errorContext {}, reason {}, offender [pid={}, id={}, restart={},"
                        + " shutdown={}, type={}, significant={}]",
                supervisor, context.erlang, reason, pid == null ? "undefined" : pid, child.id(), child.restart(),
                child.shutdown(), child.type(), child.significant());
    }

    /** Runs a start function, turning what it throws or returns wrongly into a failed start. */
    static StartResult start(ChildSpec child, List<Object> extraArguments) {
        StartResult result;
        try {
            result = child.start().start(extraArguments);
        } catch (ProcessExitedError e) {
            throw e; // the supervisor itself has been killed
        } catch (ExitException e) {
            return new StartResult.Failed(e.reason());
        } catch (Throwable t) {
            return new StartResult.Failed(ExitReason.crash(t));
        }
        if (result == null) {
            return new StartResult.Failed(ExitReason.of(new SupervisorInit.BadReturn(
                    "start function of child " + child.id() + " returned null")));
        }
        return result;
    }
}
