package io.jarl;

import java.util.HashSet;
import java.util.function.Consumer;

/**
 * A set of references kept in one field at the least cost: {@code null} when empty, the {@link Ref}
 * itself when it has one, a {@link HashSet} beyond. Most processes have no alias or timer, and
 * most of the others have one at a time. Callers synchronise.
 */
final class RefSet {
    private RefSet() {}

    static Object add(Object set, Ref ref) {
        if (set == null || set.equals(ref)) {
            return ref;
        }
        if (set instanceof HashSet<?> s) {
            refs(s).add(ref);
            return s;
        }
        HashSet<Ref> refs = new HashSet<>(4);
        refs.add((Ref) set);
        refs.add(ref);
        return refs;
    }

    static Object remove(Object set, Ref ref) {
        if (set instanceof HashSet<?> s) {
            s.remove(ref);
            return s.isEmpty() ? null : s;
        }
        return ref.equals(set) ? null : set;
    }

    static boolean contains(Object set, Ref ref) {
        return set instanceof HashSet<?> s ? s.contains(ref) : ref.equals(set);
    }

    static void forEach(Object set, Consumer<Ref> action) {
        if (set instanceof HashSet<?> s) {
            refs(s).forEach(action);
        } else if (set != null) {
            action.accept((Ref) set);
        }
    }

    @SuppressWarnings("unchecked")
    private static HashSet<Ref> refs(HashSet<?> s) {
        return (HashSet<Ref>) s;
    }
}
