package io.jarl.dist.term;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An Erlang tuple: a fixed number of terms (OTP: {@code tuple()}), such as {@code {ok, 42}}.
 *
 * <pre>{@code
 * Tuple reply = Tuple.of(Atom.OK, 42);          // {ok,42}: 42 is stored as a Long
 * if (reply.isTagged(Atom.OK, 2)) {
 *     long value = (Long) reply.get(1);
 * }
 * }</pre>
 *
 * <p>Elements must be terms (see {@link Term}); {@link TermMapper} turns Java records into tagged
 * tuples and back.
 */
public final class Tuple implements Term {
    /** The empty tuple {@code {}}. */
    public static final Tuple EMPTY = new Tuple(new Object[0]);

    final Object[] elements;
    int hash;
    boolean hashed;

    /** Takes ownership of {@code elements}, which must already hold terms only. */
    Tuple(Object[] elements) {
        this.elements = elements;
    }

    /**
     * The tuple of {@code elements}, each a term; {@code Integer}s and the like are widened.
     *
     * @throws IllegalArgumentException if an element is not a term
     */
    public static Tuple of(Object... elements) {
        if (elements.length == 0) {
            return EMPTY;
        }
        Object[] copy = new Object[elements.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Terms.requireTerm(elements[i]);
        }
        return new Tuple(copy);
    }

    /** The tuple of the terms in {@code elements}. */
    public static Tuple of(List<?> elements) {
        return of(elements.toArray());
    }

    /** The number of elements (OTP: {@code tuple_size/1}). */
    public int arity() {
        return elements.length;
    }

    /** The element at {@code index}, counting from 0 (OTP's {@code element/2} counts from 1). */
    public Object get(int index) {
        return elements[index];
    }

    /** The elements, as an unmodifiable list. */
    public List<Object> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    /** Whether this tuple has {@code arity} elements and {@code tag} first, like {@code {tag, ...}}. */
    public boolean isTagged(Atom tag, int arity) {
        return elements.length == arity && arity > 0 && tag.equals(elements[0]);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tuple && TermEquality.equal(this, other);
    }

    @Override
    public int hashCode() {
        return TermEquality.hash(this);
    }

    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}
