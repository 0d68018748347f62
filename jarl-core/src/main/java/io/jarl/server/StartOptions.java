package io.jarl.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a server (OTP: the {@code ServerName} and {@code Options} of {@code gen_server:start_link/4}).
 *
 * @param name    register the server under this name before {@code init} runs; a taken name fails the
 *                start with {@link StartResult.AlreadyStarted}
 * @param timeout how long {@code start} waits for {@code init}; when it runs out the server is
 *                killed and the start fails with {@code timeout}. Empty waits as long as it takes (OTP's
 *                default, {@code infinity}).
 */
public record StartOptions(Optional<String> name, Optional<Duration> timeout) {
    public StartOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timeout, "timeout");
    }

    private static final StartOptions DEFAULTS = new StartOptions(Optional.empty(), Optional.empty());

    public static StartOptions defaults() {
        return DEFAULTS;
    }

    /** Register the server locally as {@code name} (OTP: {@code {local, Name}}). */
    public static StartOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    public StartOptions withName(String name) {
        return new StartOptions(Optional.of(Objects.requireNonNull(name, "name")), timeout);
    }

    public StartOptions withTimeout(Duration timeout) {
        return new StartOptions(name, Optional.of(Objects.requireNonNull(timeout, "timeout")));
    }
}
