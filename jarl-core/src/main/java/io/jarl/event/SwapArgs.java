package io.jarl.event;

import java.util.Objects;

/**
 * What {@link EventHandler#init} receives when its handler replaces another, by
 * {@link GenEvent#swapHandler} or a swap result (OTP: {@code {Args2, Term}}).
 *
 * @param args the new handler's arguments ({@code args2})
 * @param old  what the old handler's {@link EventHandler#terminate} gave: {@link DeleteResult.Ok}
 *             with its value (the way to hand state over), {@link DeleteResult.Crashed} if it
 *             failed, or {@link DeleteResult.NotFound} if the old handler was not installed (OTP:
 *             {@code error}; the new handler is installed all the same, unless its init refuses)
 */
public record SwapArgs(Object args, DeleteResult old) {
    public SwapArgs {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(old, "old");
    }
}
