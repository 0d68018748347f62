package io.jarl.application;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.Ref;
import io.jarl.internal.Gen;
import io.jarl.internal.ProcLib;
import io.jarl.server.From;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * OTP's application_master: one process per running application with a callback, between the
 * controller and the application's top supervisor.
 * - start(): proc_lib:start_link from the controller's starter process; the master is a handler
 *   process (io.jarl.Handler), so while it waits it holds no thread. init() traps exits, links
 *   itself to the controller (so that neither can end unseen by the other), records itself in the
 *   table (so that the application's processes can find their application while it starts), runs
 *   the start callback, links the top supervisor, unlinks the starter and acknowledges.
 * - OTP's master spawns a helper process ("X" in application_master.erl) to run the callbacks and
 *   hold the link to the supervisor, because the master is the application's group leader and must
 *   keep answering I/O requests while the start function runs. Jarl has no group leaders, so the
 *   master runs the callbacks itself; it stays the only process linked to the top supervisor.
 * - onMessage(): Exit from the controller -> stop the application and exit with that reason; Exit from
 *   the supervisor -> prepStop, stop, exit with the supervisor's reason (OTP forwards every reason,
 *   normal included); a Stop call -> stop the application, reply, exit normal; GetChild -> the
 *   supervisor. Other messages are ignored, as OTP's handle_msg does.
 * - Stopping (OTP: terminate_child, loop_it's terminate branch, kill_all_procs): prepStop, then
 *   exit(supervisor, shutdown) and wait for it to be down however long it takes (a supervisor's own
 *   shutdown is infinity), then stop(state), then kill every process still alive that descends from
 *   the master. OTP kills the processes whose group leader is the master; the equivalent here is
 *   the ancestry Jarl records at every spawn, which an application's processes inherit the way they
 *   inherit a group leader. While it waits, the master answers GetChild with empty (OTP:
 *   shutdown_deadlock).
 * - The master exits with {shutdown, Terminated(reason)}: silent for crash reports, because the
 *   controller's "application exited" report is the one report of that event; the controller
 *   unwraps the reason.
 */
/** The process that runs one application's callbacks and holds its top supervisor (OTP: {@code application_master}). */
final class ApplicationMaster {
    static final Logger LOG = LoggerFactory.getLogger("io.jarl.application");

    /** The requests a master answers, as calls. */
    sealed interface Request {
        /** Stop the application and exit normal; replies {@link #STOPPED} first. */
        record Stop() implements Request {}

        /** The top supervisor, if the application runs (OTP: {@code get_child}). */
        record GetChild() implements Request {}
    }

    static final String STOPPED = "ok";

    /** The master's exit reason: the application's, wrapped so that no crash report repeats it. */
    record Terminated(ExitReason reason) {
        @Override
        public String toString() {
            return "{application_master, " + reason + "}";
        }
    }

    private final ApplicationSpec spec;
    private final Application<Object> callback;
    private final StartType type;
    private final Pid controller;
    private Pid child;
    private Object state;
    private Pid self;

    @SuppressWarnings("unchecked")
    private ApplicationMaster(ApplicationSpec spec, StartType type, Pid controller) {
        this.spec = spec;
        this.callback = (Application<Object>) spec.callback().orElseThrow();
        this.type = type;
        this.controller = controller;
    }

    /**
     * Starts the master of {@code spec}, linked to the caller (the controller's starter), and waits
     * until the application's start callback has returned. {@code Failed} carries the callback's
     * failure; the master has ended then, and so has every process the callback started.
     */
    static StartResult start(ApplicationSpec spec, StartType type, Pid controller) {
        return ProcLib.startHandler("io.jarl.application.ApplicationMaster.init/4", StartOptions.defaults(), true,
                (parent, starter) -> new ApplicationMaster(spec, type, controller).init(parent, starter),
                ApplicationMaster::onMessage);
    }

    /** The top supervisor of a running application, asked of its master; empty while it stops. */
    static Optional<Pid> getChild(Pid master) {
        try {
            @SuppressWarnings("unchecked")
            Optional<Pid> child = (Optional<Pid>) Gen.call("ApplicationMaster.getChild", master,
                    new Request.GetChild(), Gen.FOREVER);
            return child;
        } catch (ExitException e) {
            return Optional.empty(); // the master ended: the application is not running
        }
    }

    // ------------------------------------------------------------------ start (application_master:init/4)

    /** The master's first activation; it is a handler process whose state is this master. */
    private ApplicationMaster init(Pid starter, ProcLib.Starter ack) {
        self = Jarl.self();
        Jarl.trapExit(true);
        Jarl.link(controller); // a dead controller gives an Exit(noproc) message: the loop then stops us
        Table.MASTERS.put(spec.name(), self);
        AppStart<?> started;
        try {
            started = callback.start(type, spec.args());
            if (started == null) {
                started = AppStart.error(ExitReason.of("bad_return: " + callback.getClass().getName()
                        + ".start returned null"));
            }
        } catch (ProcessExitedError e) {
            throw e; // the master itself was killed
        } catch (ExitException e) {
            started = AppStart.error(e.reason());
        } catch (Throwable t) {
            started = AppStart.error(ExitReason.crash(t));
        }
        switch (started) {
            case AppStart.Ok<?>(Pid supervisor, Object st) -> {
                child = supervisor;
                state = st;
                Jarl.link(supervisor); // idempotent; a dead supervisor gives Exit(noproc): the app ends at once
                Jarl.unlink(starter);
                ack.ok();
                return this;
            }
            case AppStart.Failed<?>(ExitReason reason) -> {
                // Leave nothing behind; the controller reports the failure, so the master ends normal.
                Jarl.unlink(controller);
                Table.MASTERS.remove(spec.name(), self);
                killDescendants();
                ack.fail(new StartResult.Failed(reason));
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ running (main_loop)

    /** One message; null when the application has stopped and the master ends normal. */
    private ApplicationMaster onMessage(Object message) {
        switch (message) {
            case Exit(Pid from, ExitReason reason) when from.equals(controller) -> {
                stopApplication();
                throw exit(reason);
            }
            case Exit(Pid from, ExitReason reason) when from.equals(child) -> {
                child = null;
                state = prepStop(state);
                stopCallback(state);
                killDescendants();
                throw exit(reason);
            }
            case Gen.Call(From from, Request.GetChild()) -> Gen.reply(from, Optional.ofNullable(child));
            case Gen.Call(From from, Request.Stop()) -> {
                stopApplication();
                Table.MASTERS.remove(spec.name(), self);
                Gen.reply(from, STOPPED);
                return null;
            }
            default -> {
                // OTP's handle_msg ignores anything else, Exits from other processes included.
            }
        }
        return this;
    }

    private ExitException exit(ExitReason reason) {
        Table.MASTERS.remove(spec.name(), self);
        return new ExitException(ExitReason.shutdown(new Terminated(reason)),
                "application master of " + spec.name());
    }

    /** prepStop, shut the top supervisor down, stop, then kill what is left (OTP: terminate/2). */
    private void stopApplication() {
        state = prepStop(state);
        if (child != null) {
            Pid supervisor = child;
            Ref monitor = Jarl.monitor(supervisor);
            Jarl.exit(supervisor, ExitReason.shutdown());
            while (true) {
                Object message = Jarl.receive(m -> switch (m) {
                    case Down d when d.ref().equals(monitor) -> d;
                    case Gen.Call(From from, Request.GetChild()) -> m;
                    default -> Jarl.skip();
                });
                if (message instanceof Gen.Call(From from, Request.GetChild())) {
                    Gen.reply(from, Optional.<Pid>empty()); // stopping: there is no child to give
                } else {
                    break;
                }
            }
            Jarl.receive(m -> m instanceof Exit e && e.from().equals(supervisor) ? e : Jarl.skip(), Duration.ZERO);
            child = null;
        }
        stopCallback(state);
        killDescendants();
    }

    private Object prepStop(Object st) {
        try {
            return callback.prepStop(st);
        } catch (ProcessExitedError e) {
            throw e;
        } catch (Throwable t) {
            LOG.error("application report: application {}, prepStop failed (shutdown_error); stop receives the state"
                    + " start returned", spec.name(), t);
            return st;
        }
    }

    private void stopCallback(Object st) {
        try {
            callback.stop(st);
        } catch (ProcessExitedError e) {
            throw e;
        } catch (Throwable t) {
            LOG.error("application report: application {}, stop failed; the application is stopped all the same",
                    spec.name(), t);
        }
    }

    /**
     * Kills every live process that descends from this master (OTP: kill_all_procs, which kills the
     * processes whose group leader is the master). Repeats until a pass finds none, in case one was
     * being spawned.
     */
    private void killDescendants() {
        int killed;
        do {
            killed = 0;
            for (Pid pid : Jarl.processes()) {
                if (!pid.equals(self) && Jarl.info(pid).map(i -> i.ancestors().contains(self)).orElse(false)) {
                    Jarl.exit(pid, ExitReason.kill());
                    killed++;
                }
            }
        } while (killed > 0);
    }
}
