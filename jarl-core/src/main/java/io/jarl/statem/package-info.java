/**
 * State machines: a server whose behaviour depends on its state, with state enter calls, postponed
 * events and timeouts (OTP: {@code gen_statem}).
 *
 * <p>Start with {@link io.jarl.statem.GenStateMachine}: a machine implements it and returns a
 * {@link io.jarl.statem.Transition} for each event ({@link io.jarl.statem.EventType} and content),
 * with {@link io.jarl.statem.Action}s: replies, postponing, inserted events, event, state and
 * generic timeouts. {@link io.jarl.statem.CallbackMode} chooses one {@link io.jarl.statem.StateFunction}
 * per state or one {@code handleEvent} for all, with or without state enter calls. A state machine
 * speaks the same protocol as a {@link io.jarl.server.GenServer}: {@code GenServer.call},
 * {@code sendRequest} and {@link io.jarl.server.Sys} work on it.
 */
package io.jarl.statem;
