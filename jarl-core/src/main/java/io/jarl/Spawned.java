package io.jarl;

/**
 * A process started with a monitor (OTP: the {@code {Pid, Ref}} of {@code spawn_monitor/1}).
 *
 * @param pid     the new process
 * @param monitor the monitor's reference; a {@link Down} with it arrives when the process ends
 */
public record Spawned(Pid pid, Ref monitor) {}
