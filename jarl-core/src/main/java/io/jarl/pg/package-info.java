/**
 * Process groups: named groups of processes, joined and left at runtime, that members leave when they
 * die (OTP: {@code pg}).
 */
package io.jarl.pg;
