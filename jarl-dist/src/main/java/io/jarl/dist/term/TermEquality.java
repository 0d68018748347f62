package io.jarl.dist.term;

import java.util.Arrays;

/**
 * Erlang's exact equality ({@code =:=}) and a matching hash, for terms of any depth.
 *
 * <p>Implementation overview: both walk the term with an explicit stack instead of recursion, so a
 * list nested a million deep neither overflows the thread's stack nor needs a deeper one. The hash
 * of a tuple, list or map is computed on first use, children first (a post-order walk), and cached
 * in the term (a benign race, as for {@link String#hashCode()}). Map equality pairs each key with
 * the only key of the other map that has the same hash and compares both pairs on the stack; only
 * when a map holds two keys with the same hash does it look keys up with nested calls, and each
 * such nesting needs a map with two colliding keys inside a key, so its depth grows with the
 * logarithm of the term's size at most.
 */
final class TermEquality {
    private TermEquality() {
    }

    private static final int TUPLE_SEED = 0x5EED_0001;
    private static final int LIST_SEED = 0x5EED_0002;
    private static final int MAP_SEED = 0x5EED_0003;

    static boolean isComposite(Object term) {
        return term instanceof Tuple || term instanceof ErlList || term instanceof ErlMap;
    }

    /** The hash of any term: Java's for leaves, a cached structural one for tuples, lists and maps. */
    static int hash(Object term) {
        switch (term) {
            case Tuple t when t.hashed -> {
                return t.hash;
            }
            case ErlList l when l.hashed -> {
                return l.hash;
            }
            case ErlMap m when m.hashed -> {
                return m.hash;
            }
            case Tuple t -> {
                return computeHash(t);
            }
            case ErlList l -> {
                return computeHash(l);
            }
            case ErlMap m -> {
                return computeHash(m);
            }
            default -> {
                return term.hashCode();
            }
        }
    }

    private static boolean needsHash(Object term) {
        return switch (term) {
            case Tuple t -> !t.hashed;
            case ErlList l -> !l.hashed;
            case ErlMap m -> !m.hashed;
            default -> false;
        };
    }

    private static int computeHash(Object root) {
        Object[] stack = new Object[16];
        boolean[] expanded = new boolean[16];
        int sp = 0;
        stack[sp++] = root;
        while (sp > 0) {
            Object x = stack[sp - 1];
            if (!needsHash(x)) {
                sp--;
                continue;
            }
            if (!expanded[sp - 1]) {
                expanded[sp - 1] = true;
                Object[] children = switch (x) {
                    case Tuple t -> t.elements;
                    case ErlList l -> l.elements;
                    default -> ((ErlMap) x).values; // keys were hashed when the map was built
                };
                int extra = x instanceof ErlList l && !l.isProper() ? 1 : 0;
                if (sp + children.length + extra > stack.length) {
                    int size = Math.max(stack.length * 2, sp + children.length + extra);
                    stack = Arrays.copyOf(stack, size);
                    expanded = Arrays.copyOf(expanded, size);
                }
                for (Object c : children) {
                    if (needsHash(c)) {
                        stack[sp] = c;
                        expanded[sp++] = false;
                    }
                }
                if (extra == 1 && needsHash(((ErlList) x).tail())) {
                    stack[sp] = ((ErlList) x).tail();
                    expanded[sp++] = false;
                }
                continue;
            }
            sp--;
            switch (x) {
                case Tuple t -> {
                    int h = TUPLE_SEED + t.elements.length;
                    for (Object c : t.elements) {
                        h = h * 31 + hash(c);
                    }
                    t.hash = h;
                    t.hashed = true;
                }
                case ErlList l -> {
                    int h = LIST_SEED;
                    for (Object c : l.elements) {
                        h = h * 31 + hash(c);
                    }
                    if (!l.isProper()) {
                        h = h * 31 + hash(l.tail()) + 1;
                    }
                    l.hash = h;
                    l.hashed = true;
                }
                default -> {
                    ErlMap m = (ErlMap) x;
                    int h = MAP_SEED + m.keys.length;
                    for (int i = 0; i < m.keys.length; i++) {
                        h += mix(m.keyHashes[i] * 31 + hash(m.values[i]));
                    }
                    m.hash = h;
                    m.hashed = true;
                }
            }
        }
        return hash(root);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        return h;
    }

    /** Erlang's exact equality of two terms. */
    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (!isComposite(a) || !isComposite(b)) {
            return a.equals(b);
        }
        Object[] stack = new Object[32];
        int sp = 0;
        stack[sp++] = a;
        stack[sp++] = b;
        while (sp > 0) {
            Object y = stack[--sp];
            Object x = stack[--sp];
            if (x == y) {
                continue;
            }
            switch (x) {
                case Tuple tx -> {
                    if (!(y instanceof Tuple ty) || tx.elements.length != ty.elements.length
                            || (tx.hashed && ty.hashed && tx.hash != ty.hash)) {
                        return false;
                    }
                    int n = tx.elements.length;
                    if (sp + 2 * n > stack.length) {
                        stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + 2 * n));
                    }
                    for (int i = 0; i < n; i++) {
                        Object cx = tx.elements[i];
                        Object cy = ty.elements[i];
                        if (isComposite(cx)) {
                            stack[sp++] = cx;
                            stack[sp++] = cy;
                        } else if (!cx.equals(cy)) {
                            return false;
                        }
                    }
                }
                case ErlList lx -> {
                    if (!(y instanceof ErlList ly) || lx.elements.length != ly.elements.length
                            || (lx.hashed && ly.hashed && lx.hash != ly.hash)) {
                        return false;
                    }
                    int n = lx.elements.length;
                    if (sp + 2 * n + 2 > stack.length) {
                        stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + 2 * n + 2));
                    }
                    Object tx = lx.tail();
                    Object ty = ly.tail();
                    if (isComposite(tx)) {
                        stack[sp++] = tx;
                        stack[sp++] = ty;
                    } else if (!tx.equals(ty)) {
                        return false;
                    }
                    for (int i = 0; i < n; i++) {
                        Object cx = lx.elements[i];
                        Object cy = ly.elements[i];
                        if (isComposite(cx)) {
                            stack[sp++] = cx;
                            stack[sp++] = cy;
                        } else if (!cx.equals(cy)) {
                            return false;
                        }
                    }
                }
                case ErlMap mx -> {
                    if (!(y instanceof ErlMap my) || mx.keys.length != my.keys.length
                            || (mx.hashed && my.hashed && mx.hash != my.hash)) {
                        return false;
                    }
                    int n = mx.keys.length;
                    if (sp + 4 * n > stack.length) {
                        stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + 4 * n));
                    }
                    boolean simple = !mx.hashCollisions && !my.hashCollisions;
                    for (int i = 0; i < n; i++) {
                        int j;
                        if (simple) {
                            j = my.uniqueIndexOfHash(mx.keyHashes[i]);
                            if (j < 0) {
                                return false;
                            }
                            stack[sp++] = mx.keys[i];
                            stack[sp++] = my.keys[j];
                        } else {
                            j = my.indexOf(mx.keys[i], mx.keyHashes[i]);
                            if (j < 0) {
                                return false;
                            }
                        }
                        stack[sp++] = mx.values[i];
                        stack[sp++] = my.values[j];
                    }
                }
                default -> {
                    if (!x.equals(y)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
