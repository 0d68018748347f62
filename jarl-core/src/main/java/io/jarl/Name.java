package io.jarl;

import java.util.Objects;
import java.util.Optional;

/**
 * A locally registered name used as an address: {@code Name.of("stack")} reaches whatever process
 * is registered as {@code stack} when the message is sent (OTP: an atom used as a destination).
 *
 * @param value the registered name
 */
public record Name(String value) implements Address {
    public Name {
        Objects.requireNonNull(value, "value");
    }

    public static Name of(String value) {
        return new Name(value);
    }

    @Override
    public Optional<Pid> resolve() {
        return Jarl.whereis(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
