package io.jarl.application;

import java.util.Objects;

/**
 * One line of {@link Application#whichApplications()} and {@link Application#loadedApplications()}
 * (OTP: the {@code {Application, Description, Vsn}} tuples).
 *
 * @param name        the application's name
 * @param description its description, {@code ""} if its spec has none
 * @param vsn         its version, {@code ""} if its spec has none
 */
public record ApplicationInfo(String name, String description, String vsn) {
    public ApplicationInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(vsn, "vsn");
    }

    static ApplicationInfo of(ApplicationSpec spec) {
        return new ApplicationInfo(spec.name(), spec.description(), spec.vsn());
    }

    @Override
    public String toString() {
        return "{" + name + ", \"" + description + "\", \"" + vsn + "\"}";
    }
}
