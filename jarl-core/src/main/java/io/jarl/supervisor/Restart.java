package io.jarl.supervisor;

/**
 * When a supervisor restarts a child that has exited (OTP: the child spec's {@code restart}).
 *
 * <p>The rule is one table, as in OTP's {@code do_restart/3}:
 * <table>
 *   <caption>Restart decision by restart type and exit reason</caption>
 *   <tr><th></th><th>{@code normal}, {@code shutdown}, {@code {shutdown, _}}</th><th>any other reason</th></tr>
 *   <tr><td>{@link #PERMANENT}</td><td>restarted</td><td>restarted</td></tr>
 *   <tr><td>{@link #TRANSIENT}</td><td>not restarted; spec kept</td><td>restarted</td></tr>
 *   <tr><td>{@link #TEMPORARY}</td><td>not restarted; spec forgotten</td><td>not restarted; spec forgotten</td></tr>
 * </table>
 */
public enum Restart {
    /** Always restarted (OTP: {@code permanent}); the default. */
    PERMANENT,
    /** Restarted only after an abnormal exit (OTP: {@code transient}). */
    TRANSIENT,
    /** Never restarted, and forgotten once it has exited (OTP: {@code temporary}). */
    TEMPORARY
}
