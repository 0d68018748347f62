package io.jarl.dist.term;

import java.util.Objects;

/**
 * An Erlang atom: a name, compared by its text (OTP: {@code atom()}).
 *
 * @param name the atom's text (at most 255 characters, as on the BEAM)
 */
public record Atom(String name) {
    public Atom {
        Objects.requireNonNull(name, "name");
        if (name.codePointCount(0, name.length()) > 255) {
            throw new IllegalArgumentException("an atom has at most 255 characters: " + name.length());
        }
    }

    /** The atom {@code name}. */
    public static Atom of(String name) {
        return new Atom(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
