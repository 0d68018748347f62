package io.jarl.application;

import io.jarl.Jarl;
import io.jarl.Pid;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named unit of code with a supervision tree, dependencies and configuration, started and stopped
 * as a whole (OTP: the {@code application} behaviour and module; Elixir: {@code Application}).
 *
 * <p>An application is described by an {@link ApplicationSpec} (OTP: the {@code .app} file) and, if
 * it has processes, an implementation of this interface: {@link #start(StartType, Object)} starts its
 * top supervisor, {@link #prepStop} and {@link #stop} clean up around its shutdown. A program
 * registers its specs with {@link #load(ApplicationSpec)} and starts what it needs with
 * {@link #ensureAllStarted(String)}; the runtime starts the dependencies first, watches each
 * application's top supervisor, and stops them in reverse order.
 *
 * {@snippet :
 * final class ChatApp implements Application<Void> {
 *     public AppStart<Void> start(StartType type, Object args) {
 *         int port = Application.fetchEnv("chat", "port", Integer.class);
 *         return AppStart.of(Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
 *                 ChildSpec.supervisor("rooms", () -> DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults())),
 *                 Acceptor.childSpec(port))));
 *     }
 * }
 *
 * Application.load(ApplicationSpec.of("chat", new ChatApp())
 *         .withDescription("a chat server")
 *         .withVsn("1.0")
 *         .withApplications("logging")           // started first by ensureAllStarted
 *         .withEnv("port", 4040));               // -Djarl.app.chat.port=5050 overrides it
 * List<String> started = Application.ensureAllStarted("chat");   // [logging, chat]
 * // ... the chat server runs ...
 * Application.stop("chat");                      // prepStop, tree shut down, stop; no process left
 * }
 *
 * <h2>Loading, starting, stopping</h2>
 * {@link #load(ApplicationSpec)} makes an application known by its name and computes its environment
 * (OTP: {@code application:load/1}); {@link #unload(String)} forgets it. {@link #start(String,
 * RestartType)} starts a loaded application whose dependencies ({@link ApplicationSpec#applications()})
 * are started: a process, the application's master, runs {@code start}, links the top supervisor and
 * watches it; {@code start} returns once the callback has. {@link #ensureAllStarted(String)} starts
 * the dependencies first, depth first in the order listed, and returns the applications it actually
 * started; if one fails, those it started are stopped again and the failure names the application that
 * failed. {@link #stop(String)} runs {@link #prepStop}, shuts the top supervisor down (which stops
 * the whole tree, children in reverse start order), runs {@link #stop}, and kills any process the
 * application started that is still alive; it returns when all of them are gone. An application stays
 * loaded after it stops. Failures are {@link ApplicationException}s whose {@link ApplicationError}
 * says why: {@code start} of a running application gives {@link ApplicationError.AlreadyStarted};
 * {@code ensureStarted} and {@code ensureAllStarted} accept it.
 *
 * <h2>Supervision: restart types</h2>
 * Each start has a {@link RestartType} (default {@link RestartType#TEMPORARY}, as in OTP) that says what
 * happens when the application terminates on its own, that is when its top supervisor exits: a
 * temporary application is reported and forgotten; a transient one too if the reason is
 * {@code normal}; otherwise, and always for a permanent one, every other application is stopped and
 * the runtime stops through the {@link RuntimeStopper} (by default: log, then {@code System.exit(1)},
 * as a BEAM node halts). The application's processes themselves are restarted by its supervisors,
 * never by the application controller.
 *
 * <h2>Configuration: the environment</h2>
 * Each application has an environment, a map of keys to values (OTP: {@code env}). At load it is
 * computed from, lowest precedence first:
 * <ol>
 *   <li>the spec's defaults ({@link ApplicationSpec#env()}), over any value put before the load;</li>
 *   <li>the config file: a properties file of {@code <application>.<key>=value} lines, set with
 *       {@link #setConfigFile(Optional)} or {@code -Djarl.config=<path>}, read at each load
 *       (OTP: {@code -config sys.config});</li>
 *   <li>values put with {@link #putEnvPersistent} (OTP: {@code set_env} with {@code persistent});</li>
 *   <li>system properties {@code -Djarl.app.<application>.<key>=value}, e.g.
 *       {@code -Djarl.app.chat.port=5050} (OTP: {@code erl -chat port 5050}).</li>
 * </ol>
 * Text values (2 and 4) are converted to the type of the key's default in the spec (String, Integer,
 * Long, Double, Float, Boolean, Duration, Path, an enum), so that the getters return the same type
 * whatever the source; a text that does not convert fails the load with
 * {@link ApplicationError.BadEnvironmentValue}. After the load, {@link #putEnv} and {@link #deleteEnv}
 * change a key until the next load. {@link #getEnv(String, String)} and its typed forms read without
 * asking any process, from any thread; {@link #fetchEnv(String, String)} fails with a message naming
 * the application and the key. As Elixir advises, an application should read its own environment only,
 * and libraries should take options rather than read the environment.
 *
 * <h2>Naming</h2>
 * Applications are known by their names, which are node-wide: one application per name runs in a
 * JVM. The controller is registered as {@code application_controller}; it runs while anything is
 * loaded and ends when nothing is.
 *
 * <h2>Timeouts</h2>
 * Loading, starting and stopping wait as long as they take (OTP: {@code infinity}); a start callback or
 * a top supervisor that never returns blocks its caller. A start callback runs while the controller
 * goes on serving others, so it may start further applications; {@link #prepStop} and {@link #stop}
 * run while the controller waits for them, so they must not start or stop applications (OTP deadlocks
 * there too).
 *
 * <h2>Reports</h2>
 * The controller logs one report per event on the SLF4J logger {@code io.jarl.application} (OTP: its
 * progress and exit info reports): {@code application report: application chat started} at info, and
 * {@code application report: application chat exited: <reason>, type: <type>} at info for
 * {@code stopped}, {@code normal} and {@code shutdown}, at error for any other reason and for an exit
 * that stops the runtime. A failing {@link #prepStop}
 * or {@link #stop} is logged at error too (OTP ignores a failing {@code stop}).
 *
 * <h2>When not to use it</h2>
 * For one supervision tree in one program, {@code Supervisor.startLink} is enough; applications pay
 * off when several units with their own configuration start in dependency order. The environment is
 * global state: pass a library its options instead.
 *
 * <h2>Where it differs from OTP</h2>
 * Specs are values given to {@link #load}, not {@code .app} files found on a code path. Errors are
 * exceptions carrying OTP's reasons rather than {@code {error, Reason}} values. There are no
 * distributed applications (takeover, failover, {@code permit}), no included applications and no
 * start phases; {@code maxT}, {@code maxP} and {@code config_change} are not supported. "The node
 * stops" is the {@link RuntimeStopper}'s decision. OTP finds an application's stray processes by their
 * group leader; Jarl by their ancestry (a process belongs to the application one of its ancestors is
 * the master of). {@link #ensureAllStarted} starts serially (OTP 26's concurrent mode is not offered)
 * and detects circular dependencies, which OTP does not. A master exits with
 * {@code {shutdown, ...}} around the application's reason, so that no crash report repeats the
 * controller's exit report.
 *
 * @param <S> the application's state: what {@code start} returns for {@code prepStop} and {@code stop};
 *            {@link Void} for none
 */
public interface Application<S> {

    // ================================================================== the callbacks

    /**
     * Starts the application's processes: its top supervisor, linked to the caller (the application's
     * master), whose pid it returns, with an optional state (OTP: {@code Module:start/2}). Runs in the
     * master. Returning {@link AppStart#error}, throwing or returning {@code null} fails the start with
     * {@link ApplicationError.StartFailed}; the processes it started are then killed.
     *
     * @param type why it is started: always {@link StartType#NORMAL} in Jarl
     * @param args the spec's {@link ApplicationSpec#args()}
     */
    AppStart<S> start(StartType type, Object args) throws Exception;

    /**
     * Called before the top supervisor is shut down, by {@link #stop(String)} or when the application
     * terminates; returns the state {@link #stop(Object)} receives (OTP: {@code Module:prep_stop/1},
     * optional). A failure is logged and {@code stop} receives the state unchanged. The default does
     * nothing.
     */
    default S prepStop(S state) throws Exception {
        return state;
    }

    /**
     * Called after the top supervisor has been shut down or has terminated, to undo what
     * {@link #start} did outside its processes (OTP: {@code Module:stop/1}). Its failure is logged. The
     * default does nothing.
     */
    default void stop(S state) throws Exception {}

    // ================================================================== loading

    /**
     * Makes the application known by its name and computes its environment (OTP:
     * {@code application:load/1}).
     *
     * @throws ApplicationException with {@link ApplicationError.AlreadyLoaded} if its name is loaded,
     *         {@link ApplicationError.BadEnvironmentValue} or {@link ApplicationError.BadConfigFile} if
     *         its environment cannot be computed
     */
    static void load(ApplicationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ApplicationController.check(ApplicationController.call(new ApplicationController.Call.Load(spec)));
    }

    /**
     * Loads the application unless an application with its name is loaded already (Elixir:
     * {@code Application.ensure_loaded/1}).
     */
    static void ensureLoaded(ApplicationSpec spec) {
        try {
            load(spec);
        } catch (ApplicationException e) {
            if (!(e.error() instanceof ApplicationError.AlreadyLoaded)) {
                throw e;
            }
        }
    }

    /**
     * Forgets a loaded application and its environment; values put with {@link #putEnvPersistent}
     * are kept for its next load (OTP: {@code application:unload/1}). When it was the last one loaded,
     * the controller has ended when this returns.
     *
     * @throws ApplicationException with {@link ApplicationError.Running} if it is running or starting,
     *         {@link ApplicationError.NotLoaded} if it is not loaded
     */
    static void unload(String name) {
        ApplicationController.unload(name);
    }

    // ================================================================== starting and stopping

    /** {@link #start(String, RestartType)} as {@link RestartType#TEMPORARY} (OTP: {@code application:start/1}). */
    static void start(String name) {
        start(name, RestartType.TEMPORARY);
    }

    /**
     * Starts a loaded application whose dependencies are started, and waits until its start callback
     * has returned (OTP: {@code application:start/2}). Two callers starting the same application at once
     * both wait for the one start.
     *
     * @throws ApplicationException with {@link ApplicationError.NotLoaded},
     *         {@link ApplicationError.AlreadyStarted}, {@link ApplicationError.NotStarted} (a dependency),
     *         {@link ApplicationError.NotRunning} (a dependency that has terminated), or
     *         {@link ApplicationError.StartFailed}
     */
    static void start(String name, RestartType type) {
        ApplicationController.start(name, type);
    }

    /** {@link #ensureStarted(String, RestartType)} as {@link RestartType#TEMPORARY}. */
    static void ensureStarted(String name) {
        ensureStarted(name, RestartType.TEMPORARY);
    }

    /** {@link #start(String, RestartType)}, but a running application is fine (OTP: {@code ensure_started/2}). */
    static void ensureStarted(String name, RestartType type) {
        try {
            start(name, type);
        } catch (ApplicationException e) {
            if (!(e.error() instanceof ApplicationError.AlreadyStarted)) {
                throw e;
            }
        }
    }

    /** {@link #ensureAllStarted(List, RestartType)} of one application, as {@link RestartType#TEMPORARY}. */
    static List<String> ensureAllStarted(String name) {
        return ensureAllStarted(List.of(name), RestartType.TEMPORARY);
    }

    /** {@link #ensureAllStarted(List, RestartType)} of one application. */
    static List<String> ensureAllStarted(String name, RestartType type) {
        return ensureAllStarted(List.of(name), type);
    }

    /**
     * Starts the applications and, first, every dependency that is not running, each with {@code type}
     * (OTP: {@code application:ensure_all_started/2}). Optional dependencies that are not loaded are
     * skipped. Returns the applications it started, in start order: none if all were running.
     *
     * @throws ApplicationException naming the application that failed; the applications this call
     *         started are stopped again first, so that it leaves things as it found them
     */
    static List<String> ensureAllStarted(List<String> names, RestartType type) {
        return ApplicationController.ensureAllStarted(names, type);
    }

    /**
     * Stops a running application, whatever its restart type, and waits until its processes are gone
     * (OTP: {@code application:stop/1}): {@link #prepStop}, the top supervisor's shutdown,
     * {@link #stop}, then any process of the application still alive is killed. The application stays
     * loaded. Stopping an application that terminated on its own just forgets that it was started.
     *
     * @throws ApplicationException with {@link ApplicationError.NotStarted} if it is not started
     */
    static void stop(String name) {
        ApplicationController.stop(name);
    }

    /**
     * Stops every running application, newest first, and returns their names in that order (OTP: what
     * {@code init:stop/0} does to the applications).
     */
    static List<String> stopAll() {
        return ApplicationController.callIfRunning(new ApplicationController.Call.StopAll()).orElse(List.of());
    }

    // ================================================================== what runs

    /**
     * The running applications, most recently started first (OTP: {@code which_applications/0};
     * Elixir: {@code started_applications/0}).
     */
    static List<ApplicationInfo> whichApplications() {
        return ApplicationController.callIfRunning(new ApplicationController.Call.WhichApplications())
                .orElse(List.of());
    }

    /** The loaded applications, by name (OTP: {@code loaded_applications/0}); asks no process. */
    static List<ApplicationInfo> loadedApplications() {
        return Table.LOADED.values().stream().map(ApplicationInfo::of)
                .sorted(Comparator.comparing(ApplicationInfo::name)).toList();
    }

    /** The spec of a loaded application (OTP: {@code get_all_key/1}; Elixir: {@code spec/1}). */
    static Optional<ApplicationSpec> spec(String name) {
        return Optional.ofNullable(Table.LOADED.get(ApplicationSpec.checkName(name)));
    }

    /**
     * The top supervisor of a running application (OTP: {@code get_supervisor/1}); empty for a library
     * application, one that is not running, and one that is starting or stopping.
     */
    static Optional<Pid> getSupervisor(String name) {
        Pid master = Table.MASTERS.get(ApplicationSpec.checkName(name));
        return master == null ? Optional.empty() : ApplicationMaster.getChild(master);
    }

    /**
     * The application {@code pid} belongs to: the one whose master is {@code pid} or one of its
     * ancestors (OTP: {@code get_application/1}, by group leader).
     */
    static Optional<String> getApplication(Pid pid) {
        return ApplicationController.applicationOf(Objects.requireNonNull(pid, "pid"));
    }

    /** The application the calling process belongs to (OTP: {@code get_application/0}). */
    static Optional<String> getApplication() {
        return getApplication(Jarl.self());
    }

    // ================================================================== the environment

    /** The value of {@code key} in the application's environment (OTP: {@code get_env/2}; Elixir: {@code fetch_env/2}). */
    static Optional<Object> getEnv(String application, String key) {
        return Env.get(application, key);
    }

    /**
     * The value of {@code key} as a {@code type}: a text value (put as a String) is converted to
     * String, Integer, Long, Double, Float, Boolean, Duration, Path or an enum.
     *
     * @throws ClassCastException naming the application and key if the value is of another type
     * @throws IllegalArgumentException naming them if a text value does not convert
     */
    static <T> Optional<T> getEnv(String application, String key, Class<T> type) {
        return Env.get(application, key, type);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} if it has none (OTP: {@code get_env/3}). When
     * the default is of a type text converts to (String, Integer, Long, Double, Float, Boolean,
     * Duration, Path, an enum), the value is checked against it as by
     * {@link #getEnv(String, String, Class)}; otherwise it is returned as it is.
     */
    static <T> T getEnv(String application, String key, T defaultValue) {
        return Env.get(application, key, defaultValue);
    }

    /**
     * The value of {@code key} (Elixir: {@code fetch_env!/2}).
     *
     * @throws java.util.NoSuchElementException if it has none: "could not fetch application environment
     *         port for application chat because configuration at port was not set" (or "because the
     *         application was not loaded nor configured")
     */
    static Object fetchEnv(String application, String key) {
        return Env.fetch(application, key);
    }

    /** {@link #fetchEnv(String, String)} as a {@code type}, converted as by {@link #getEnv(String, String, Class)}. */
    static <T> T fetchEnv(String application, String key, Class<T> type) {
        return Env.fetch(application, key, type);
    }

    /**
     * Sets {@code key} until the application is next loaded (OTP: {@code set_env/3}; Elixir:
     * {@code put_env/3}). Works for an application that is not loaded: its load then keeps the value
     * unless the spec, the config file or a system property sets the key.
     */
    static void putEnv(String application, String key, Object value) {
        Env.put(application, key, value);
    }

    /**
     * Sets {@code key} now and at every later load, over the spec's default and the config file (OTP:
     * {@code set_env/4} with {@code {persistent, true}}); a system property still overrides it at load.
     */
    static void putEnvPersistent(String application, String key, Object value) {
        Env.putPersistent(application, key, value);
    }

    /** Removes {@code key} until the application is next loaded (OTP: {@code unset_env/2}; Elixir: {@code delete_env/2}). */
    static void deleteEnv(String application, String key) {
        Env.delete(application, key);
    }

    /** Removes {@code key} now, and a value put with {@link #putEnvPersistent} (OTP: {@code unset_env/3} with {@code persistent}). */
    static void deleteEnvPersistent(String application, String key) {
        Env.deletePersistent(application, key);
    }

    /** The whole environment of the application, sorted by key (OTP: {@code get_all_env/1}). */
    static Map<String, Object> getAllEnv(String application) {
        return Env.all(application);
    }

    // ================================================================== the runtime

    /**
     * Sets the config file read when an application is loaded; empty: use {@code -Djarl.config} if
     * set (OTP: {@code erl -config}). Returns the previous setting. Applications loaded already keep
     * their environment.
     */
    static Optional<Path> setConfigFile(Optional<Path> file) {
        return Table.CONFIG_FILE.getAndSet(Objects.requireNonNull(file, "file"));
    }

    /**
     * Sets what happens when the runtime must stop because of an application (see {@link RestartType});
     * returns the previous stopper. The default is {@link RuntimeStopper#exitJvm()}.
     */
    static RuntimeStopper setRuntimeStopper(RuntimeStopper stopper) {
        return Table.STOPPER.getAndSet(Objects.requireNonNull(stopper, "stopper"));
    }
}
