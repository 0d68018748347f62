package io.jarl;

import java.util.Objects;
import java.util.Optional;

/**
 * An address resolved by a {@link NameRegistry} (OTP: {@code {via, Module, Name}}): messages and calls
 * to it go to whatever process the registry has under {@code key} at that moment.
 *
 * @param registry the name service
 * @param key      the name in it
 */
public record Via(NameRegistry registry, Object key) implements Address {
    public Via {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public Optional<Pid> resolve() {
        return registry.whereisName(key).filter(Pid::isAlive);
    }

    @Override
    public String toString() {
        return "{via, " + registry.getClass().getSimpleName() + ", " + key + "}";
    }
}
