package io.jarl;

/**
 * Where a message or a call can be sent: a {@link Pid}, a registered {@link Name}, or a name in a
 * {@link NameRegistry} ({@link Via}), or a name on another node ({@link RemoteName})
 * (OTP: {@code dest()}, the first argument of {@code erlang:send/2} and {@code gen_server:call/2}).
 */
public sealed interface Address permits Pid, Name, Via, RemoteName {

    /** The process this address reaches now, if any. */
    java.util.Optional<Pid> resolve();
}
