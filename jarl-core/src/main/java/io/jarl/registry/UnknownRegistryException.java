package io.jarl.registry;

/**
 * A {@link Registry} was used by a name under which no registry runs (Elixir: the
 * {@code ArgumentError} "unknown registry"): it was never started, has stopped, or is a name of
 * something else.
 */
public final class UnknownRegistryException extends IllegalArgumentException {
    private final String registry;

    public UnknownRegistryException(String registry) {
        super("unknown registry: " + registry + " (no registry of that name is running: it was never started,"
                + " or it has stopped)");
        this.registry = registry;
    }

    /** The name that was used. */
    public String registry() {
        return registry;
    }
}
