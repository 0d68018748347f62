package io.jarl.dist.term;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic generator of random terms for property tests: every type, every encoding size
 * boundary (small and large tuples, atoms over 255 bytes, lists of bytes over 65535, bignums over
 * 255 bytes, maps over 32 keys), improper lists and unicode atoms.
 */
final class RandomTerms {
    private final Random random;
    private final boolean withIdentifiers;
    private final boolean withLarge;

    /**
     * @param withIdentifiers whether to make pids, refs, ports and funs (which Erlang prints
     *     differently from Jarl)
     * @param withLarge whether to make the rare very large terms (arity 300, 70,000-element strings)
     */
    RandomTerms(long seed, boolean withIdentifiers, boolean withLarge) {
        this.random = new Random(seed);
        this.withIdentifiers = withIdentifiers;
        this.withLarge = withLarge;
    }

    Random random() {
        return random;
    }

    Object term(int depth) {
        int choice = random.nextInt(depth <= 0 ? 12 : 18);
        return switch (choice) {
            case 0 -> (long) random.nextInt(256);
            case 1 -> (long) random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> bigInteger();
            case 4 -> floating();
            case 5 -> atom();
            case 6 -> binary();
            case 7 -> bitstring();
            case 8 -> withIdentifiers ? pid() : (long) random.nextInt(256);
            case 9 -> withIdentifiers ? ref() : ErlList.NIL;
            case 10 -> withIdentifiers ? port() : Tuple.EMPTY;
            case 11 -> random.nextBoolean() ? bytes() : new ErlFun.Export(atom(), atom(), random.nextInt(256));
            case 12, 13 -> tuple(depth);
            case 14, 15 -> list(depth);
            case 16 -> map(depth);
            default -> ErlList.improper(List.of(term(depth - 1)), nonListTerm(depth - 1));
        };
    }

    private Object nonListTerm(int depth) {
        for (;;) {
            Object t = term(depth);
            if (!(t instanceof ErlList)) {
                return t;
            }
        }
    }

    Object bigInteger() {
        int bytes = random.nextInt(10) == 0 ? 256 + random.nextInt(64) : 8 + random.nextInt(40);
        BigInteger b = new BigInteger(bytes * 8, random).setBit(bytes * 8 - 1);
        return Terms.integer(random.nextBoolean() ? b : b.negate());
    }

    double floating() {
        for (;;) {
            double d = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * 1000;
                case 2 -> random.nextInt(100000) / 100.0;
                default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            };
            if (Double.isFinite(d) && d != 0) {
                return d;
            }
        }
    }

    Atom atom() {
        int kind = random.nextInt(10);
        int length = kind == 0 ? 255 : random.nextInt(12);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int c = switch (kind) {
                case 0, 1 -> 0x80 + random.nextInt(0x2000);           // Latin-1 and beyond: 2-3 UTF-8 bytes
                case 2 -> 0x1F600 + random.nextInt(64);                // emoji: 4 bytes
                case 3 -> 32 + random.nextInt(95);                     // any printable ASCII
                default -> "abcdefghijklmnopqrstuvwxyz_@0123456789ABC".charAt(random.nextInt(41));
            };
            if (Character.isSurrogate((char) c)) {
                c = 'x';
            }
            s.appendCodePoint(c);
        }
        return Atom.of(s.toString());
    }

    Binary binary() {
        byte[] b = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(8)];
        if (random.nextBoolean()) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) ('a' + random.nextInt(26));
            }
        } else {
            random.nextBytes(b);
        }
        return Binary.of(b);
    }

    Term bitstring() {
        byte[] b = new byte[1 + random.nextInt(6)];
        random.nextBytes(b);
        return Bitstring.of(b, 8L * (b.length - 1) + 1 + random.nextInt(7));
    }

    ErlList bytes() {
        int n = withLarge && random.nextInt(40) == 0 ? 65535 + random.nextInt(3) : random.nextInt(20);
        Object[] e = new Object[n];
        for (int i = 0; i < n; i++) {
            e[i] = Terms.integer(random.nextInt(256));
        }
        return ErlList.of(e);
    }

    ErlPid pid() {
        return new ErlPid(node(), random.nextInt() & 0xFFFF_FFFFL, random.nextInt(4) == 0 ? random.nextInt() & 0xFFFF_FFFFL
                : random.nextInt(8), 1 + (random.nextInt() & 0x7FFF_FFFFL));
    }

    ErlRef ref() {
        int[] ids = new int[random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 3];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt();
        }
        return new ErlRef(node(), 1 + (random.nextInt() & 0x7FFF_FFFFL), ids);
    }

    ErlPort port() {
        long id = random.nextBoolean() ? random.nextInt() & 0xFFFF_FFFFL : random.nextLong();
        return new ErlPort(node(), id, 1 + (random.nextInt() & 0x7FFF_FFFFL));
    }

    private Atom node() {
        return Atom.of("n" + random.nextInt(5) + "@host");
    }

    private Tuple tuple(int depth) {
        int n = withLarge && random.nextInt(50) == 0 ? 256 + random.nextInt(50) : random.nextInt(5);
        Object[] e = new Object[n];
        for (int i = 0; i < n; i++) {
            e[i] = term(depth - 1);
        }
        return Tuple.of(e);
    }

    private ErlList list(int depth) {
        int n = random.nextInt(6);
        Object[] e = new Object[n];
        for (int i = 0; i < n; i++) {
            e[i] = term(depth - 1);
        }
        return ErlList.of(e);
    }

    private ErlMap map(int depth) {
        int n = random.nextInt(20) == 0 ? 33 + random.nextInt(10) : random.nextInt(5);
        List<Object> kv = new ArrayList<>();
        Set<Object> keys = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Object k = term(Math.min(depth - 1, 1));
            if (keys.add(k)) {
                kv.add(k);
                kv.add(term(depth - 1));
            }
        }
        return ErlMap.of(kv.toArray());
    }
}
