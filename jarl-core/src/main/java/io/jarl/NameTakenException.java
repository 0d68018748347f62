package io.jarl;

/**
 * A process could not be registered (OTP: {@code badarg} from {@code register/2}): the name
 * belongs to another process, or the process already has a name.
 */
public final class NameTakenException extends IllegalStateException {
    private final String name;

    public NameTakenException(String name, String message) {
        super(message);
        this.name = name;
    }

    /** The name that could not be registered. */
    public String name() {
        return name;
    }
}
