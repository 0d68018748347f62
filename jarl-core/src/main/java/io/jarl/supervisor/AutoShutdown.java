package io.jarl.supervisor;

/**
 * Whether a supervisor shuts itself down when its {@linkplain ChildSpec#significant() significant}
 * children end (OTP 24: the {@code auto_shutdown} flag).
 *
 * <p>Only an exit that does not restart the child counts: a significant child is transient or
 * temporary, and it counts when it exits with {@code normal}, {@code shutdown} or
 * {@code {shutdown, _}} (transient or temporary) or with any reason (temporary). A child terminated
 * through {@link Supervisor#terminateChild} does not count. The supervisor then exits with
 * {@code shutdown}, after terminating its other children.
 */
public enum AutoShutdown {
    /** Never shut down automatically (OTP: {@code never}); the default. Significant children are not allowed. */
    NEVER,
    /** Shut down when any significant child ends (OTP: {@code any_significant}). */
    ANY_SIGNIFICANT,
    /** Shut down when no significant child is left running (OTP: {@code all_significant}). */
    ALL_SIGNIFICANT
}
