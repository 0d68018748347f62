package io.jarl.dist.term;

import java.util.Objects;

/**
 * An Erlang atom: a name, compared by its text (OTP: {@code atom()}).
 *
 * <p>An atom is a plain value: {@code Atom.of("ok")} made twice gives two equal atoms, and nothing
 * is interned into a global table, so atoms received from another node cannot exhaust memory the
 * way they can exhaust the BEAM's atom table.
 *
 * <p>It prints the way Erlang prints it: quoted when it must be ({@code 'Hello'},
 * {@code 'hello world'}, {@code 'and'}), bare otherwise ({@code ok}, {@code e1@vm}). Use
 * {@link #name()} for the text itself.
 *
 * @param name the atom's text: at most 255 characters (code points), as on the BEAM, and well-formed
 *     UTF-16 (no unpaired surrogate), so that it has a UTF-8 encoding
 */
public record Atom(String name) implements Term {
    /** {@code true}. */
    public static final Atom TRUE = new Atom("true");
    /** {@code false}. */
    public static final Atom FALSE = new Atom("false");
    /** {@code undefined}. */
    public static final Atom UNDEFINED = new Atom("undefined");
    /** {@code ok}. */
    public static final Atom OK = new Atom("ok");
    /** {@code error}. */
    public static final Atom ERROR = new Atom("error");

    /** The most characters an atom may have, as on the BEAM. */
    public static final int MAX_CHARACTERS = 255;

    public Atom {
        Objects.requireNonNull(name, "name");
        int length = name.length();
        if (length > 2 * MAX_CHARACTERS) {
            throw new IllegalArgumentException("an atom has at most 255 characters, this has more: " + length
                    + " UTF-16 chars");
        }
        int characters = 0;
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("an atom's text must be well-formed UTF-16: unpaired surrogate at "
                        + i);
            }
            characters++;
        }
        if (characters > MAX_CHARACTERS) {
            throw new IllegalArgumentException("an atom has at most 255 characters, this has " + characters);
        }
    }

    /** The atom {@code name}. */
    public static Atom of(String name) {
        return new Atom(name);
    }

    /** The atom {@code true} or {@code false}. */
    public static Atom of(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** Erlang's notation: the name, quoted when Erlang would quote it. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name.length() + 2);
        TermFormat.atom(out, name);
        return out.toString();
    }
}
