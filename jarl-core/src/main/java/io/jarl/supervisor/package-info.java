/**
 * Supervisors: processes that start, watch and restart other processes (OTP: {@code supervisor};
 * Elixir: {@code Supervisor} and {@code DynamicSupervisor}).
 *
 * <p>Start with {@link io.jarl.supervisor.Supervisor} for a fixed set of children and
 * {@link io.jarl.supervisor.DynamicSupervisor} for children started on demand; each child is
 * described by a {@link io.jarl.supervisor.ChildSpec}.
 */
package io.jarl.supervisor;
