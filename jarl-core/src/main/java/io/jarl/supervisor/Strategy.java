package io.jarl.supervisor;

/**
 * What a {@link Supervisor} does when a child it must restart exits (OTP: the {@code strategy} flag).
 * OTP's fourth strategy, {@code simple_one_for_one}, is {@link DynamicSupervisor}.
 */
public enum Strategy {
    /** Restart only the child that exited (OTP: {@code one_for_one}). */
    ONE_FOR_ONE,
    /**
     * Terminate all the other children (in reverse start order), then restart all of them in start
     * order (OTP: {@code one_for_all}).
     */
    ONE_FOR_ALL,
    /**
     * Terminate the children started after the one that exited (in reverse start order), then restart
     * it and them in start order (OTP: {@code rest_for_one}).
     */
    REST_FOR_ONE
}
