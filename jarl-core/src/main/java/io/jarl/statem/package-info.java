/**
 * State machines: a server whose behaviour depends on its state, with state enter calls, postponed
 * events and timeouts (OTP: {@code gen_statem}).
 */
package io.jarl.statem;
