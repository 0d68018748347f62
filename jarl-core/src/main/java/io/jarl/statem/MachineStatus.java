package io.jarl.statem;

import java.util.List;
import java.util.Objects;

/**
 * What {@link io.jarl.server.Sys#getStatus} shows as the state of a state machine (OTP: the
 * {@code "State"}, {@code "Postponed"} and {@code "Time-outs"} sections of {@code sys:get_status/1}).
 *
 * @param state     what {@link GenStateMachine#formatStatus} makes of the state and data (by
 *                  default a {@link StateAndData})
 * @param postponed the postponed events, oldest first
 * @param timeouts  the running timeouts, as the events they will deliver (type and content), in
 *                  the order they were started
 */
public record MachineStatus(Object state, List<Event> postponed, List<Event> timeouts) {
    public MachineStatus {
        Objects.requireNonNull(state, "state");
        postponed = List.copyOf(postponed);
        timeouts = List.copyOf(timeouts);
    }
}
