package io.jarl.registry;

import io.jarl.Pid;
import java.util.Objects;

/**
 * The messages a registry sends to its {@linkplain RegistryOptions#listeners() listeners} (Elixir:
 * {@code Registry.listener_message()}).
 *
 * <p>A listener is told of every {@link Registry#register}, {@link Registry#unregister} and
 * {@link Registry#unregisterMatch} that removes all the caller's entries under a key, by the process
 * that made it, right after the change. It is <em>not</em> told when a registered process ends: a
 * listener that cares monitors the processes it hears of, as in Elixir.
 */
public sealed interface RegistryEvent {

    /** The registry's name. */
    String registry();

    /** The key. */
    Object key();

    /** The process that registered or unregistered itself. */
    Pid pid();

    /**
     * {@code pid} registered under {@code key} with {@code value} (Elixir: {@code {:register, registry, key, pid, value}}).
     *
     * @param registry the registry's name
     * @param key      the key
     * @param pid      the process that registered itself
     * @param value    its value; may be null
     */
    record Register(String registry, Object key, Pid pid, Object value) implements RegistryEvent {
        public Register {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(pid, "pid");
        }
    }

    /**
     * {@code pid} unregistered {@code key} (Elixir: {@code {:unregister, registry, key, pid}}).
     *
     * @param registry the registry's name
     * @param key      the key
     * @param pid      the process that unregistered itself
     */
    record Unregister(String registry, Object key, Pid pid) implements RegistryEvent {
        public Unregister {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(pid, "pid");
        }
    }
}
