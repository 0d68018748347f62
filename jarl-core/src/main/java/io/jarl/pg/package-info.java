/**
 * Process groups: named groups of processes, joined and left at runtime, that members leave when they
 * die (OTP: {@code pg}).
 *
 * <p>Start with {@link io.jarl.pg.Pg}. Groups live in scopes, each a process with a table that
 * {@link io.jarl.pg.Pg#getMembers} reads without a message. Local only for now: the scope is built to
 * grow OTP's distribution protocol.
 */
package io.jarl.pg;
