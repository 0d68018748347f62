package io.jarl.application;

/**
 * What the runtime does when a started application terminates, that is when its top supervisor exits
 * (OTP: {@code restart_type()}; Elixir: {@code restart_type}). Given to
 * {@link Application#start(String, RestartType)}.
 *
 * <p>The rule is one table, as in OTP's {@code application_controller}:
 * <table>
 *   <caption>What happens when an application terminates, by type and exit reason</caption>
 *   <tr><th></th><th>{@code normal}</th><th>any other reason ({@code shutdown} included)</th></tr>
 *   <tr><td>{@link #TEMPORARY}</td><td>reported</td><td>reported</td></tr>
 *   <tr><td>{@link #TRANSIENT}</td><td>reported</td><td>reported; every other application is
 *       stopped and the runtime stops</td></tr>
 *   <tr><td>{@link #PERMANENT}</td><td colspan="2">reported; every other application is stopped and
 *       the runtime stops</td></tr>
 * </table>
 * An application stopped with {@link Application#stop(String)} affects no other, whatever its type.
 * A transient or permanent application whose start fails also stops the runtime (OTP:
 * {@code application_start_failure}), except a transient one whose start callback exited
 * {@code normal}. How the runtime stops is the {@link RuntimeStopper}'s business.
 *
 * <p>As Elixir's documentation warns, {@code TRANSIENT} is of little practical use: a supervisor that
 * gives up exits with {@code shutdown}, not {@code normal}.
 */
public enum RestartType {
    /** Any termination stops the runtime (OTP: {@code permanent}). */
    PERMANENT,
    /** A termination with reason {@code normal} is only reported; any other stops the runtime (OTP: {@code transient}). */
    TRANSIENT,
    /** A termination is only reported (OTP: {@code temporary}); the default. */
    TEMPORARY
}
