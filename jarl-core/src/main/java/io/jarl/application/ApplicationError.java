package io.jarl.application;

import io.jarl.ExitReason;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Why an application function failed (OTP: the {@code Reason} of {@code {error, Reason}} returned by
 * the {@code application} module), carried by {@link ApplicationException}. Each names the
 * application it is about, so that a failure deep in {@link Application#ensureAllStarted(String)}
 * says which dependency failed (OTP: {@code {error, {App, Reason}}}).
 *
 * <p>{@code toString()} is OTP's term ({@code {already_started, chat}}); {@link #describe()} is
 * Elixir's {@code Application.format_error/1} ({@code already started application chat}).
 */
public sealed interface ApplicationError {

    /** The application the error is about. */
    String application();

    /** A sentence for people. */
    String describe();

    /** {@link Application#load} of a name that is loaded already (OTP: {@code {already_loaded, App}}). */
    record AlreadyLoaded(String application) implements ApplicationError {
        public AlreadyLoaded {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "already loaded application " + application;
        }

        @Override
        public String toString() {
            return "{already_loaded, " + application + "}";
        }
    }

    /**
     * An application that was never loaded: started, unloaded, or needed as a dependency (OTP:
     * {@code {not_loaded, App}}; where OTP looks for an {@code .app} file and answers
     * {@code {"no such file or directory", "App.app"}}, Jarl knows only the specs given to
     * {@link Application#load}).
     */
    record NotLoaded(String application) implements ApplicationError {
        public NotLoaded {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "not loaded application " + application;
        }

        @Override
        public String toString() {
            return "{not_loaded, " + application + "}";
        }
    }

    /** {@link Application#start} of a running application (OTP: {@code {already_started, App}}). */
    record AlreadyStarted(String application) implements ApplicationError {
        public AlreadyStarted {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "already started application " + application;
        }

        @Override
        public String toString() {
            return "{already_started, " + application + "}";
        }
    }

    /**
     * {@link Application#stop} of an application that was not started, or {@link Application#start}
     * of one whose dependency {@code application} was not started (OTP: {@code {not_started, App}}).
     */
    record NotStarted(String application) implements ApplicationError {
        public NotStarted {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "not started application " + application;
        }

        @Override
        public String toString() {
            return "{not_started, " + application + "}";
        }
    }

    /**
     * {@link Application#start} of an application whose dependency {@code application} was started
     * but has since terminated (OTP: {@code {not_running, App}}).
     */
    record NotRunning(String application) implements ApplicationError {
        public NotRunning {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "not running application " + application;
        }

        @Override
        public String toString() {
            return "{not_running, " + application + "}";
        }
    }

    /** {@link Application#unload} of a running or starting application (OTP: {@code {running, App}}). */
    record Running(String application) implements ApplicationError {
        public Running {
            Objects.requireNonNull(application, "application");
        }

        public String describe() {
            return "application " + application + " is running; stop it first";
        }

        @Override
        public String toString() {
            return "{running, " + application + "}";
        }
    }

    /**
     * The application's start callback failed: it returned {@link AppStart.Failed}, threw, or returned
     * {@code null} (OTP: {@code {Reason, {Mod, start, [Type, Args]}}}, {@code {bad_return, ...}}).
     *
     * @param reason what it returned, the exit it raised, or {@code Crash(exception)}
     */
    record StartFailed(String application, ExitReason reason) implements ApplicationError {
        public StartFailed {
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(reason, "reason");
        }

        public String describe() {
            return "the start callback of application " + application + " failed: " + reason;
        }

        @Override
        public String toString() {
            return "{" + reason + ", {" + application + ", start, [normal, ...]}}";
        }
    }

    /**
     * A text value for {@code key} (from a system property or the config file) does not convert to
     * the type of the key's default in the spec (OTP: {@code {bad_environment_value, ...}}).
     *
     * @param source  where the value came from: {@code -Djarl.app.chat.port} or the config file's path
     * @param problem why it does not convert
     */
    record BadEnvironmentValue(String application, String key, String value, String source, String problem)
            implements ApplicationError {
        public BadEnvironmentValue {
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(problem, "problem");
        }

        public String describe() {
            return "bad environment value for application " + application + ", key " + key + ": \"" + value
                    + "\" from " + source + " (" + problem + ")";
        }

        @Override
        public String toString() {
            return "{bad_environment_value, {" + application + ", " + key + ", \"" + value + "\"}}";
        }
    }

    /**
     * The config file could not be read, or a line of it is not {@code <application>.<key>=value},
     * when {@code application} was being loaded (OTP: {@code "error in config file ..."}).
     */
    record BadConfigFile(String application, Path file, String problem) implements ApplicationError {
        public BadConfigFile {
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(problem, "problem");
        }

        public String describe() {
            return "error in config file " + file + " (loading application " + application + "): " + problem;
        }

        @Override
        public String toString() {
            return "{config_error, " + file + ", \"" + problem + "\"}";
        }
    }

    /**
     * {@link Application#ensureAllStarted} found the dependencies of {@code application} going round
     * in a circle ({@code cycle} starts and ends with the same application). OTP does not check this.
     */
    record CircularDependency(String application, List<String> cycle) implements ApplicationError {
        public CircularDependency {
            Objects.requireNonNull(application, "application");
            cycle = List.copyOf(cycle);
        }

        public String describe() {
            return "circular dependency between applications: " + String.join(" -> ", cycle);
        }

        @Override
        public String toString() {
            return "{circular_dependency, " + cycle + "}";
        }
    }
}
