package io.jarl.application;

import io.jarl.Pid;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/*
 * Implementation overview.
 *
 * What OTP keeps in the ets table ac_tab: what any process reads without asking the controller. The
 * controller writes the loaded specs, the running set and the masters; the masters write their own
 * entry (so that an application's processes can find it while it starts); the environment is
 * written by whoever calls putEnv, one application at a time (ConcurrentHashMap.compute: a load's
 * merge and a putEnv for the same application never interleave). Environments are immutable maps,
 * replaced whole.
 */
/** The application controller's shared table (OTP: {@code ac_tab}). */
final class Table {
    private Table() {}

    /** The loaded specs, by name (OTP: {@code {loaded, App}}). */
    static final ConcurrentHashMap<String, ApplicationSpec> LOADED = new ConcurrentHashMap<>();

    /** Each application's environment (OTP: {@code {env, App, Key}}); immutable maps. */
    static final ConcurrentHashMap<String, Map<String, Object>> ENV = new ConcurrentHashMap<>();

    /** Values set with putEnvPersistent, re-applied at every load (OTP: {@code set_env(..., [{persistent, true}])}). */
    static final ConcurrentHashMap<String, Map<String, Object>> PERSISTENT = new ConcurrentHashMap<>();

    /** The running applications, libraries included (OTP: {@code application_controller:is_running/1}). */
    static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

    /** The master of each application that has one (OTP: {@code {application_master, App}}). */
    static final ConcurrentHashMap<String, Pid> MASTERS = new ConcurrentHashMap<>();

    /** The config file given to {@link Application#setConfigFile}, if any. */
    static final AtomicReference<Optional<Path>> CONFIG_FILE = new AtomicReference<>(Optional.empty());

    /** What happens when a permanent application terminates. */
    static final AtomicReference<RuntimeStopper> STOPPER = new AtomicReference<>(RuntimeStopper.exitJvm());

    /** Forgets everything an ended runtime knew (OTP: ac_tab is deleted with the controller). */
    static void reset() {
        LOADED.clear();
        ENV.clear();
        PERSISTENT.clear();
        RUNNING.clear();
        MASTERS.clear();
    }
}
