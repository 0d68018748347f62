/**
 * Event managers: a process that forwards events to handlers added and removed at runtime
 * (OTP: {@code gen_event}).
 */
package io.jarl.event;
