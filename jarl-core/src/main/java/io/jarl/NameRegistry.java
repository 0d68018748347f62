package io.jarl;

import java.util.Optional;

/**
 * A name service that processes can be registered in and addressed through with {@link Via}
 * (OTP: the callback module of a {@code {via, Module, Name}} name: {@code register_name/2},
 * {@code unregister_name/1}, {@code whereis_name/1}).
 *
 * <p>A server started with {@code StartOptions.via(registry, key)} registers itself, from its own
 * process, before its {@code init} runs, and is then reachable as {@code new Via(registry, key)}
 * wherever an {@link Address} is taken. Implementations must be safe to call from any process;
 * whether and when a name disappears when its process ends is the registry's business, as in OTP.
 */
public interface NameRegistry {

    /**
     * Registers {@code pid} (the calling process, for servers) under {@code key}.
     *
     * @return false if {@code key} is already taken (OTP: {@code no})
     */
    boolean registerName(Object key, Pid pid);

    /** Removes {@code key}, if registered. */
    void unregisterName(Object key);

    /** The process registered under {@code key}, if any. */
    Optional<Pid> whereisName(Object key);
}
