package io.jarl.application;

import io.jarl.ExitReason;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What "the runtime stops" means when a permanent application terminates, or a transient one
 * terminates abnormally, or either fails to start (OTP: the node halts, {@code "Kernel pid terminated
 * application_controller ({application_terminated, App, Reason})"}).
 *
 * <p>By then every other application has been stopped, in reverse start order; the stopper decides
 * what happens to the JVM. The default, {@link #exitJvm()}, logs the cause and calls
 * {@code System.exit(1)}, as a BEAM node halts with status 1. A program that must do something else
 * (tests, an embedded runtime, a demo that prints its own message) sets its own with
 * {@link Application#setRuntimeStopper(RuntimeStopper)}:
 * {@snippet :
 * Application.setRuntimeStopper(cause -> done.complete(cause));   // the main thread decides
 * }
 *
 * <p>The stopper runs in the application controller's process while it ends: it must return
 * promptly and must not call {@link Application} functions (they would wait for the controller). The
 * next call to an {@code Application} function after it finds a new, empty controller: nothing is
 * loaded or running any more, as on a freshly started node.
 */
@FunctionalInterface
public interface RuntimeStopper {

    /** Stops the runtime, or arranges for it to stop; called once per cause. */
    void stop(Cause cause);

    /** Why the runtime stops. */
    sealed interface Cause {
        /** The application whose termination or failed start stops the runtime. */
        String application();

        /**
         * A permanent application terminated, or a transient one terminated with a reason other than
         * {@code normal} (OTP: {@code {application_terminated, App, Reason}}).
         */
        record ApplicationTerminated(String application, ExitReason reason) implements Cause {
            public ApplicationTerminated {
                Objects.requireNonNull(application, "application");
                Objects.requireNonNull(reason, "reason");
            }

            @Override
            public String toString() {
                return "{application_terminated, " + application + ", " + reason + "}";
            }
        }

        /**
         * A permanent or transient application failed to start (OTP:
         * {@code {application_start_failure, App, Reason}}).
         */
        record ApplicationStartFailure(String application, ApplicationError error) implements Cause {
            public ApplicationStartFailure {
                Objects.requireNonNull(application, "application");
                Objects.requireNonNull(error, "error");
            }

            @Override
            public String toString() {
                return "{application_start_failure, " + application + ", " + error + "}";
            }
        }
    }

    /**
     * The default: logs the cause at error level on {@code io.jarl.application}, then calls
     * {@code System.exit(1)} from a new thread, so that shutdown hooks may still talk to processes
     * (the controller has ended by then; a hook calling {@link Application#stop(String)} gets
     * {@link ApplicationError.NotStarted}).
     */
    static RuntimeStopper exitJvm() {
        return cause -> {
            Logger log = LoggerFactory.getLogger("io.jarl.application");
            log.error("the runtime stops: {}; every application has been stopped; exiting with status 1", cause);
            Thread.ofPlatform().name("jarl-runtime-stop").start(() -> System.exit(1));
        };
    }
}
