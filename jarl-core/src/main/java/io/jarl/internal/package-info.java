/**
 * Machinery shared by the behaviours (OTP: {@code gen}, {@code proc_lib} and {@code sys}): the
 * messages of calls, casts and replies, the call itself, the synchronous start and the system
 * messages. Not exported: GenServer, GenStateMachine and GenEvent are built on it, so that
 * {@code GenServer.call}, {@code sendRequest} and {@code Sys} work on any of them, as in OTP.
 */
package io.jarl.internal;
