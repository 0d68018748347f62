package io.jarl.supervisor;

/**
 * What {@link Supervisor#countChildren} returns (OTP: {@code [{specs, N}, {active, N}, {supervisors, N}, {workers, N}]}).
 *
 * @param specs       all children, running or not
 * @param active      children whose process is alive
 * @param supervisors children of type supervisor, running or not
 * @param workers     children of type worker, running or not
 */
public record ChildCounts(int specs, int active, int supervisors, int workers) {}
