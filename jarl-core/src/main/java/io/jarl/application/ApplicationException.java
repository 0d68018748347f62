package io.jarl.application;

import java.util.Objects;

/**
 * An application function failed (OTP: the {@code {error, Reason}} it returns); {@link #error()} says
 * why, as a sealed type a {@code switch} can take apart.
 *
 * {@snippet :
 * try {
 *     Application.start("chat");
 * } catch (ApplicationException e) {
 *     switch (e.error()) {
 *         case ApplicationError.AlreadyStarted already -> {}           // fine
 *         default -> throw e;
 *     }
 * }
 * }
 */
public final class ApplicationException extends RuntimeException {
    private final ApplicationError error;

    public ApplicationException(ApplicationError error) {
        super(Objects.requireNonNull(error, "error").describe() + " " + error);
        this.error = error;
    }

    /** Why it failed. */
    public ApplicationError error() {
        return error;
    }

    /** The application the failure is about (OTP: the {@code App} of {@code {error, {App, Reason}}}). */
    public String application() {
        return error.application();
    }
}
