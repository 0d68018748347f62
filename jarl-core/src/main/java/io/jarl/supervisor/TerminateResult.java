package io.jarl.supervisor;

/** What {@link Supervisor#terminateChild} and {@link DynamicSupervisor#terminateChild} return (OTP: {@code ok | {error, not_found}}). */
public sealed interface TerminateResult {

    /**
     * The child was terminated, or was not running (OTP: {@code ok}). Under a {@link Supervisor} its
     * spec is kept, unless it is temporary; a restart in progress is abandoned.
     */
    record Terminated() implements TerminateResult {}

    /** No such child (OTP: {@code {error, not_found}}). */
    record NotFound() implements TerminateResult {}
}
