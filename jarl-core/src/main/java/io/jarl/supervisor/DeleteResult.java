package io.jarl.supervisor;

/** What {@link Supervisor#deleteChild} returns (OTP: {@code ok | {error, Error}}). */
public sealed interface DeleteResult {

    /** The spec was removed (OTP: {@code ok}). */
    record Deleted() implements DeleteResult {}

    /** The child is running; terminate it first (OTP: {@code {error, running}}). */
    record Running() implements DeleteResult {}

    /** The supervisor is retrying a failed restart of it (OTP: {@code {error, restarting}}). */
    record Restarting() implements DeleteResult {}

    /** No such child (OTP: {@code {error, not_found}}). */
    record NotFound() implements DeleteResult {}
}
