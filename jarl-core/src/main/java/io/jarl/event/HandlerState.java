package io.jarl.event;

import java.util.Objects;

/**
 * One installed handler and its state, as {@link io.jarl.server.Sys#getState} and
 * {@link io.jarl.server.Sys#getStatus} show an event manager (OTP: {@code {Module, Id, State}}).
 *
 * @param handler the handler
 * @param state   its state ({@link io.jarl.server.Sys#getStatus}: as its
 *                {@link EventHandler#formatStatus} shows it)
 */
public record HandlerState(HandlerId handler, Object state) {
    public HandlerState {
        Objects.requireNonNull(handler, "handler");
    }
}
