package io.jarl.dist.term;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An Erlang map (OTP: {@code map()}), such as {@code #{name => <<"Bob">>, age => 42}}: keys and
 * values of any type, compared by Erlang's exact equality, so {@code 1} and {@code 1.0} are
 * different keys.
 *
 * <pre>{@code
 * ErlMap person = ErlMap.of(Atom.of("name"), Binary.of("Bob"), Atom.of("age"), 42);
 * Object age = person.get(Atom.of("age"));        // 42L
 * Map<Object, Object> view = person.asMap();       // read-only java.util.Map view
 * }</pre>
 *
 * <p>Equality ignores the order of entries. Iteration and printing follow the order in which the
 * entries were given or decoded; a map from an Erlang node of up to 32 keys arrives sorted in
 * Erlang's term order, which is how Erlang prints it, larger maps arrive in Erlang's hash order.
 */
public final class ErlMap implements Term {
    /** The empty map {@code #{}}. */
    public static final ErlMap EMPTY = new ErlMap(new Object[0], new Object[0], new int[0], null, false);

    /** Maps up to this size are searched linearly (comparing hashes first); larger ones use an index. */
    private static final int LINEAR_MAX = 8;

    final Object[] keys;
    final Object[] values;
    /** The hash of each key. */
    final int[] keyHashes;
    /** Open addressing: index + 1 of an entry, 0 when free; length a power of two; null for small maps. */
    private final int[] index;
    /** Whether two keys have the same hash (then equality takes the slower, fully general path). */
    final boolean hashCollisions;
    int hash;
    boolean hashed;

    private ErlMap(Object[] keys, Object[] values, int[] keyHashes, int[] index, boolean hashCollisions) {
        this.keys = keys;
        this.values = values;
        this.keyHashes = keyHashes;
        this.index = index;
        this.hashCollisions = hashCollisions;
    }

    /**
     * Builds a map from parallel arrays of terms, which it takes over, and returns null if a key
     * occurs twice (the decoder turns that into its error, the public factories into theirs).
     */
    static ErlMap build(Object[] keys, Object[] values) {
        int n = keys.length;
        if (n == 0) {
            return EMPTY;
        }
        int[] hashes = new int[n];
        boolean collisions = false;
        int[] index = null;
        if (n <= LINEAR_MAX) {
            for (int i = 0; i < n; i++) {
                int h = TermEquality.hash(keys[i]);
                hashes[i] = h;
                for (int j = 0; j < i; j++) {
                    if (hashes[j] == h) {
                        if (TermEquality.equal(keys[j], keys[i])) {
                            return null;
                        }
                        collisions = true;
                    }
                }
            }
        } else {
            index = new int[Integer.highestOneBit(2 * n - 1) << 1]; // a power of two in [2n, 4n)
            int mask = index.length - 1;
            for (int i = 0; i < n; i++) {
                int h = TermEquality.hash(keys[i]);
                hashes[i] = h;
                int slot = spread(h) & mask;
                while (index[slot] != 0) {
                    int j = index[slot] - 1;
                    if (hashes[j] == h) {
                        if (TermEquality.equal(keys[j], keys[i])) {
                            return null;
                        }
                        collisions = true;
                    }
                    slot = (slot + 1) & mask;
                }
                index[slot] = i + 1;
            }
        }
        return new ErlMap(keys, values, hashes, index, collisions);
    }

    /**
     * The map of the given keys and values, alternating: {@code of(k1, v1, k2, v2, ...)}.
     *
     * @throws IllegalArgumentException if a key is given twice, an argument is not a term, or a
     *     value is missing
     */
    public static ErlMap of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values alternate: an odd number of arguments was given");
        }
        int n = keysAndValues.length / 2;
        Object[] keys = new Object[n];
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            keys[i] = Terms.requireTerm(keysAndValues[2 * i]);
            values[i] = Terms.requireTerm(keysAndValues[2 * i + 1]);
        }
        ErlMap map = build(keys, values);
        if (map == null) {
            throw new IllegalArgumentException("a key is given twice");
        }
        return map;
    }

    /**
     * The map with the entries of {@code entries}, whose keys and values must be terms.
     *
     * @throws IllegalArgumentException if two keys are the same term (such as {@code Integer 1}
     *     and {@code Long 1}) or a key or value is not a term
     */
    public static ErlMap from(Map<?, ?> entries) {
        Object[] keys = new Object[entries.size()];
        Object[] values = new Object[keys.length];
        int i = 0;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            keys[i] = Terms.requireTerm(e.getKey());
            values[i] = Terms.requireTerm(e.getValue());
            i++;
        }
        ErlMap map = build(keys, values);
        if (map == null) {
            throw new IllegalArgumentException("two keys are the same Erlang term: " + entries.keySet());
        }
        return map;
    }

    /** The number of entries (OTP: {@code map_size/1}). */
    public int size() {
        return keys.length;
    }

    /** Whether this is {@code #{}}. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The value of {@code key}, or null when absent (OTP: {@code maps:get/3} with a default of null). */
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    /** Whether {@code key} is a key (OTP: {@code is_map_key/2}). */
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    /** The key of entry {@code i} in iteration order. */
    public Object keyAt(int i) {
        return keys[i];
    }

    /** The value of entry {@code i} in iteration order. */
    public Object valueAt(int i) {
        return values[i];
    }

    /** A read-only {@link Map} view, in this map's iteration order. */
    public Map<Object, Object> asMap() {
        return new View();
    }

    /** The index of {@code key}, or -1. */
    int indexOf(Object key) {
        Object k;
        try {
            k = Terms.requireTerm(key);
        } catch (IllegalArgumentException | NullPointerException notATerm) {
            return -1;
        }
        int h = TermEquality.hash(k);
        return indexOf(k, h);
    }

    int indexOf(Object key, int h) {
        if (index == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keyHashes[i] == h && TermEquality.equal(keys[i], key)) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        for (int slot = spread(h) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
            int i = index[slot] - 1;
            if (keyHashes[i] == h && TermEquality.equal(keys[i], key)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the only key with hash {@code h}, -1 if none, -2 if several. */
    int uniqueIndexOfHash(int h) {
        int found = -1;
        if (index == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keyHashes[i] == h) {
                    if (found >= 0) {
                        return -2;
                    }
                    found = i;
                }
            }
            return found;
        }
        int mask = index.length - 1;
        for (int slot = spread(h) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
            int i = index[slot] - 1;
            if (keyHashes[i] == h) {
                if (found >= 0) {
                    return -2;
                }
                found = i;
            }
        }
        return found;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ErlMap && TermEquality.equal(this, other);
    }

    @Override
    public int hashCode() {
        return TermEquality.hash(this);
    }

    /** Erlang's notation {@code #{k => v,...}}, in this map's iteration order. */
    @Override
    public String toString() {
        return TermFormat.format(this);
    }

    private final class View extends AbstractMap<Object, Object> {
        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public boolean containsKey(Object key) {
            return ErlMap.this.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            return ErlMap.this.get(key);
        }

        @Override
        public Set<Entry<Object, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public Iterator<Entry<Object, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        public Entry<Object, Object> next() {
                            if (next >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }
            };
        }
    }
}
