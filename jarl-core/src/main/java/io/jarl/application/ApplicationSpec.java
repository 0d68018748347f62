package io.jarl.application;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an application is: its name, description, version, the applications it needs, its environment
 * defaults and its callback (OTP: the application resource file {@code App.app}; Elixir: the
 * {@code application/0} of {@code mix.exs}).
 *
 * {@snippet :
 * ApplicationSpec chat = ApplicationSpec.of("chat", new ChatApp())
 *         .withDescription("a chat server over TCP")
 *         .withVsn("1.0")
 *         .withEnv("port", 4040)
 *         .withRegistered("chat", "chat:rooms", "chat:users", "chat:acceptor");
 * Application.load(chat);
 * }
 * Each {@code with...} method returns a changed copy. A spec is registered with
 * {@link Application#load(ApplicationSpec)}, after which it is known by its name.
 *
 * @param name                 the application's name: a letter, then letters, digits, {@code _} or
 *                             {@code -} (it is part of the system property names of its environment,
 *                             {@code jarl.app.<name>.<key>}, so it has no dot)
 * @param description          one line for people (OTP: {@code description}); {@code ""} by default
 * @param vsn                  its version (OTP: {@code vsn}); {@code ""} by default
 * @param applications         the applications that must be started before this one, in the order
 *                             {@link Application#ensureAllStarted} starts them (OTP: {@code applications})
 * @param optionalApplications those of {@code applications} that may be absent: when not loaded they
 *                             are skipped; when loaded they must be started first like the others
 *                             (OTP 24: {@code optional_applications})
 * @param env                  the environment's defaults (OTP: {@code env}); a key's default also sets
 *                             the type a text override converts to (see {@link Application})
 * @param callback             the callback that starts and stops the application's processes (OTP:
 *                             the module of {@code mod}); empty for a library application, which has
 *                             no processes and whose start and stop only mark it started or not
 * @param args                 the second argument of {@link Application#start(StartType, Object)}
 *                             (OTP: the {@code Args} of {@code mod}); {@code List.of()} by default
 * @param registered           the names the application's processes register (OTP: {@code registered});
 *                             shown by {@link Application#spec(String)}, not checked at run time
 */
public record ApplicationSpec(String name, String description, String vsn, List<String> applications,
        List<String> optionalApplications, Map<String, Object> env, Optional<Application<?>> callback, Object args,
        List<String> registered) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    /**
     * @throws IllegalArgumentException for a bad application name, a dependency on itself or listed
     *         twice, an optional application that is not also in {@code applications}, or an empty
     *         environment key
     */
    public ApplicationSpec {
        checkName(name);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(vsn, "vsn");
        applications = List.copyOf(applications);
        optionalApplications = List.copyOf(optionalApplications);
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(args, "args");
        registered = List.copyOf(registered);
        Set<String> seen = new HashSet<>();
        for (String dependency : applications) {
            checkName(dependency);
            if (dependency.equals(name)) {
                throw new IllegalArgumentException("application " + name + " depends on itself");
            }
            if (!seen.add(dependency)) {
                throw new IllegalArgumentException("application " + name + " lists " + dependency + " twice");
            }
        }
        for (String optional : optionalApplications) {
            if (!applications.contains(optional)) {
                throw new IllegalArgumentException("application " + name + ": optional application " + optional
                        + " is not in its applications " + applications + " (OTP: it must be in both lists)");
            }
        }
        TreeMap<String, Object> sorted = new TreeMap<>();
        env.forEach((key, value) -> {
            checkKey(name, key);
            sorted.put(key, Objects.requireNonNull(value, () -> "application " + name + ": env " + key + " is null"));
        });
        env = Collections.unmodifiableSortedMap(sorted);
    }

    /** An application with processes, started by {@code callback}; no dependencies, no environment. */
    public static ApplicationSpec of(String name, Application<?> callback) {
        return new ApplicationSpec(name, "", "", List.of(), List.of(), Map.of(),
                Optional.of(Objects.requireNonNull(callback, "callback")), List.of(), List.of());
    }

    /**
     * A library application: code and environment, no processes (OTP: an {@code .app} file without
     * {@code mod}). Starting it checks its dependencies and marks it started.
     */
    public static ApplicationSpec library(String name) {
        return new ApplicationSpec(name, "", "", List.of(), List.of(), Map.of(), Optional.empty(), List.of(),
                List.of());
    }

    public ApplicationSpec withDescription(String description) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, env, callback, args,
                registered);
    }

    public ApplicationSpec withVsn(String vsn) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, env, callback, args,
                registered);
    }

    /** The applications that must be started before this one (replaces the list). */
    public ApplicationSpec withApplications(String... applications) {
        return new ApplicationSpec(name, description, vsn, Arrays.asList(applications), optionalApplications, env,
                callback, args, registered);
    }

    /** Which of {@link #applications()} are optional (replaces the list). */
    public ApplicationSpec withOptionalApplications(String... optional) {
        return new ApplicationSpec(name, description, vsn, applications, Arrays.asList(optional), env, callback,
                args, registered);
    }

    /** The environment's defaults (replaces them all). */
    public ApplicationSpec withEnv(Map<String, ?> env) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications,
                Collections.unmodifiableMap(env), callback, args, registered);
    }

    /** The default of one environment key (added, or replaced). */
    public ApplicationSpec withEnv(String key, Object value) {
        Map<String, Object> changed = new TreeMap<>(env);
        checkKey(name, key);
        changed.put(key, Objects.requireNonNull(value, "value"));
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, changed, callback, args,
                registered);
    }

    /** The callback and the {@code args} its start receives (OTP: {@code {mod, {Module, Args}}}). */
    public ApplicationSpec withCallback(Application<?> callback, Object args) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, env,
                Optional.of(Objects.requireNonNull(callback, "callback")), args, registered);
    }

    /** The start argument of the callback. */
    public ApplicationSpec withArgs(Object args) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, env, callback, args,
                registered);
    }

    /** The names the application's processes register (documentation: not checked). */
    public ApplicationSpec withRegistered(String... names) {
        return new ApplicationSpec(name, description, vsn, applications, optionalApplications, env, callback, args,
                new ArrayList<>(Arrays.asList(names)));
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a valid application name. */
    static String checkName(String name) {
        Objects.requireNonNull(name, "application name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an application name: \"" + name
                    + "\" (a letter, then letters, digits, _ or -)");
        }
        return name;
    }

    /** Throws unless {@code key} is a valid environment key. */
    static String checkKey(String application, String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("application " + application + ": an environment key is empty");
        }
        return key;
    }

    @Override
    public String toString() {
        return "ApplicationSpec[name=" + name + ", description=" + description + ", vsn=" + vsn + ", applications="
                + applications + ", optionalApplications=" + optionalApplications + ", env=" + env + ", callback="
                + callback.map(c -> c.getClass().getName()).orElse("none") + ", registered=" + registered + "]";
    }
}
