package io.jarl.event;

import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a handler installed in an event manager: its class, or its class and an id
 * (OTP: {@code handler() :: Module | {Module, Id}}).
 *
 * <p>{@link GenEvent#addHandler(io.jarl.Address, EventHandler, Object)} installs a handler as
 * {@code HandlerId.of(handler.getClass())}; {@link GenEvent#addHandler(io.jarl.Address, EventHandler,
 * Object, Object)} as {@code HandlerId.of(handler.getClass(), id)}, so that several handlers of one
 * class can be told apart. The two forms never match each other: {@code HandlerId.of(Audit.class)}
 * does not find a handler installed as {@code HandlerId.of(Audit.class, 1)}, as in OTP.
 *
 * @param type the handler's class (an {@link EventHandler} implementation)
 * @param id   the id it was installed with, if any
 */
public record HandlerId(Class<?> type, Optional<Object> id) {
    public HandlerId {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if (!EventHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not an EventHandler");
        }
    }

    /** A handler known by its class alone (OTP: {@code Module}). */
    public static HandlerId of(Class<?> type) {
        return new HandlerId(type, Optional.empty());
    }

    /** A handler known by its class and {@code id} (OTP: {@code {Module, Id}}). */
    public static HandlerId of(Class<?> type, Object id) {
        return new HandlerId(type, Optional.of(Objects.requireNonNull(id, "id")));
    }

    /** Prints as OTP does: {@code Module} or {@code {Module, Id}}, with the class's name. */
    @Override
    public String toString() {
        return id.map(i -> "{" + type.getName() + ", " + i + "}").orElse(type.getName());
    }
}
