package io.jarl.supervisor;

/** Whether a child is a worker or a supervisor (OTP: the child spec's {@code type}). */
public enum ChildType {
    /** Any process that is not a supervisor (OTP: {@code worker}); its default shutdown is 5 seconds. */
    WORKER,
    /** A supervisor, making a supervision tree (OTP: {@code supervisor}); its default shutdown is {@code infinity}. */
    SUPERVISOR
}
