package io.jarl.dist.term;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An Erlang list (OTP: {@code list()}, {@code maybe_improper_list()}): the empty list {@code []},
 * a proper list {@code [1,2,3]}, or an improper list {@code [a,b|c]} whose tail is not a list.
 *
 * <pre>{@code
 * ErlList proper = ErlList.of(1, 2, 3);                       // [1,2,3]
 * ErlList tag = ErlList.improper(List.of(Atom.of("alias")), ref); // [alias|Ref], as gen:call makes
 * ErlList chars = ErlList.charlist("héllo");                  // "héllo": a list of code points
 * String text = Terms.string(chars);                          // "héllo" again
 * }</pre>
 *
 * <p>A list is stored flat: its elements and its final tail, which is {@link #NIL} for a proper list
 * and never a non-empty list ({@code [1|[2|x]]} is stored as elements 1, 2 and tail {@code x}), so
 * two equal Erlang lists are equal here however they were built or encoded. Erlang strings are
 * lists of integers; they print as {@code "abc"} when all their characters are printable
 * Latin-1, as Erlang's {@code ~p} does.
 */
public final class ErlList implements Term {
    /** The empty list {@code []} (Erlang's "nil"). */
    public static final ErlList NIL = new ErlList(new Object[0], null);

    final Object[] elements;
    /** {@link #NIL} for a proper list, else the non-list tail; null only inside {@link #NIL} itself. */
    private final Object tail;
    int hash;
    boolean hashed;

    /** Takes ownership of {@code elements} (terms only) and a tail that is NIL or not a list. */
    ErlList(Object[] elements, Object tail) {
        this.elements = elements;
        this.tail = tail;
    }

    /** The proper list of {@code elements}, each a term. */
    public static ErlList of(Object... elements) {
        if (elements.length == 0) {
            return NIL;
        }
        Object[] copy = new Object[elements.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Terms.requireTerm(elements[i]);
        }
        return new ErlList(copy, NIL);
    }

    /** The proper list of the terms in {@code elements}. */
    public static ErlList of(List<?> elements) {
        return of(elements.toArray());
    }

    /**
     * The list {@code [E1, ..., En | tail]}. When {@code tail} is itself a list its elements are
     * appended, so {@code improper([1], ErlList.of(2))} is the proper list {@code [1,2]}.
     *
     * @throws IllegalArgumentException if {@code elements} is empty (Erlang has no {@code [|x]})
     */
    public static ErlList improper(List<?> elements, Object tail) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("a list needs at least one element before its tail");
        }
        Object t = Terms.requireTerm(tail);
        Object[] head = elements.toArray();
        for (int i = 0; i < head.length; i++) {
            head[i] = Terms.requireTerm(head[i]);
        }
        if (t instanceof ErlList rest) {
            Object[] all = Arrays.copyOf(head, head.length + rest.elements.length);
            System.arraycopy(rest.elements, 0, all, head.length, rest.elements.length);
            return new ErlList(all, rest.tail());
        }
        return new ErlList(head, t);
    }

    /** The string {@code text} as Erlang's charlist: the list of its Unicode code points. */
    public static ErlList charlist(String text) {
        int[] codePoints = text.codePoints().toArray();
        if (codePoints.length == 0) {
            return NIL;
        }
        Object[] elements = new Object[codePoints.length];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = Terms.integer(codePoints[i]);
        }
        return new ErlList(elements, NIL);
    }

    /** Whether this is the empty list {@code []}. */
    public boolean isEmpty() {
        return elements.length == 0;
    }

    /** Whether the list ends in {@code []}, as every list made by list functions does. */
    public boolean isProper() {
        return tail == NIL || this == NIL;
    }

    /** The number of elements before the tail (OTP's {@code length/1} for a proper list). */
    public int size() {
        return elements.length;
    }

    /** The element at {@code index}, counting from 0. */
    public Object get(int index) {
        return elements[index];
    }

    /** The elements before the tail, as an unmodifiable list. */
    public List<Object> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    /** The final tail: {@link #NIL} for a proper list (and for {@code []} itself), otherwise a non-list term. */
    public Object tail() {
        return tail == null ? NIL : tail;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ErlList && TermEquality.equal(this, other);
    }

    @Override
    public int hashCode() {
        return TermEquality.hash(this);
    }

    @Override
    public String toString() {
        return TermFormat.format(this);
    }

    static ErlList proper(Object[] elements) {
        return elements.length == 0 ? NIL : new ErlList(elements, NIL);
    }
}
