package io.jarl.server;

import io.jarl.MailboxLimits;
import io.jarl.NameRegistry;
import io.jarl.Via;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a server (OTP: the {@code ServerName} and {@code Options} of {@code gen_server:start_link/4}).
 *
 * @param name    register the server locally under this name before {@code init} runs; a taken name
 *                fails the start with {@link StartResult.AlreadyStarted}
 * @param via     register the server in a {@link NameRegistry} instead (OTP: {@code {via, Module, Name}}):
 *                the server registers itself, from its own process, before {@code init} runs
 * @param timeout how long {@code start} waits for {@code init}; when it runs out the server is
 *                killed and the start fails with {@code timeout}. Empty waits as long as it takes (OTP's
 *                default, {@code infinity}).
 * @param mailbox a bound on the server's mailbox and a long-queue alarm ({@link MailboxLimits}; OTP has
 *                neither)
 */
public record StartOptions(Optional<String> name, Optional<Via> via, Optional<Duration> timeout,
                           Optional<MailboxLimits> mailbox) {
    public StartOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(mailbox, "mailbox");
        if (name.isPresent() && via.isPresent()) {
            throw new IllegalArgumentException("a server has one name: " + name.get() + " or " + via.get());
        }
    }

    private static final StartOptions DEFAULTS = new StartOptions(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public static StartOptions defaults() {
        return DEFAULTS;
    }

    /** Register the server locally as {@code name} (OTP: {@code {local, Name}}). */
    public static StartOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    /** Register the server as {@code key} in {@code registry} (OTP: {@code {via, Module, Name}}). */
    public static StartOptions via(NameRegistry registry, Object key) {
        return new StartOptions(Optional.empty(), Optional.of(new Via(registry, key)), Optional.empty(),
                Optional.empty());
    }

    public StartOptions withName(String name) {
        return new StartOptions(Optional.of(Objects.requireNonNull(name, "name")), via, timeout, mailbox);
    }

    public StartOptions withTimeout(Duration timeout) {
        return new StartOptions(name, via, Optional.of(Objects.requireNonNull(timeout, "timeout")), mailbox);
    }

    /**
     * Bound the server's mailbox and raise an alarm when its queue grows long (see
     * {@link MailboxLimits}): for a server that can fall behind its senders, such as one writing
     * to a slow client. A call dropped by the bound is never answered; its caller times out.
     */
    public StartOptions withMailbox(MailboxLimits limits) {
        return new StartOptions(name, via, timeout, Optional.of(Objects.requireNonNull(limits, "limits")));
    }
}
