package io.jarl;

/** A name that no process is registered under was used as an address (OTP: {@code badarg}). */
public final class NoSuchNameException extends IllegalArgumentException {
    private final String name;

    public NoSuchNameException(String name) {
        super("no process is registered as '" + name + "'");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
