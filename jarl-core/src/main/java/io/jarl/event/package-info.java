/**
 * Event managers: a process that forwards events to handlers added and removed at runtime
 * (OTP: {@code gen_event}; Elixir: {@code GenEvent}).
 *
 * <p>Start with {@link io.jarl.event.GenEvent}, which also says when a Registry, {@code pg} or a
 * GenServer serves better; handlers implement {@link io.jarl.event.EventHandler}.
 */
package io.jarl.event;
