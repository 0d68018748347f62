package io.jarl.application;

/**
 * Why {@link Application#start(StartType, Object)} is being called (OTP: {@code start_type()}).
 *
 * <p>OTP also passes {@code {takeover, Node}} and {@code {failover, Node}} when a distributed
 * application moves between nodes. Jarl has no distributed applications, so an application is always
 * started {@link #NORMAL}; the type is passed so that a callback reads as its OTP original.
 */
public enum StartType {
    /** An ordinary start (OTP: {@code normal}). */
    NORMAL
}
