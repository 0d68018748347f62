package io.jarl.dist.term;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Static helpers for Erlang terms: {@link #termToBinary(Object)} and {@link #binaryToTerm(byte[])}
 * as in OTP, checking and widening Java values into terms, and reading Erlang strings (binaries or
 * charlists) as Java {@code String}s.
 *
 * <pre>{@code
 * byte[] bytes = Terms.termToBinary(Tuple.of(Atom.of("ping"), 42));   // <<131,104,2,119,4,"ping",97,42>>
 * Object term = Terms.binaryToTerm(bytes);                            // {ping,42}
 * String name = Terms.string(Binary.of("Bob"));                       // "Bob"
 * String chars = Terms.string(ErlList.charlist("Bob"));               // "Bob"
 * }</pre>
 */
public final class Terms {
    private Terms() {
    }

    private static final Long[] SMALL = new Long[256];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = (long) i;
        }
    }

    /**
     * The external term format of {@code term}, with the version byte 131 (OTP:
     * {@code term_to_binary/1}, with UTF-8 atoms as {@code {minor_version, 2}} gives).
     *
     * @throws IllegalArgumentException if {@code term} is not a term
     */
    public static byte[] termToBinary(Object term) {
        return new TermEncoder().encode(term);
    }

    /**
     * The term encoded in {@code bytes}, which must hold exactly one term after the version byte 131
     * (OTP: {@code binary_to_term/1}; OTP ignores bytes after the term, this refuses them). The
     * {@link DecodeLimits#DEFAULT default limits} apply.
     *
     * @throws TermDecodeException if the bytes are not one well-formed term within the limits
     */
    public static Object binaryToTerm(byte[] bytes) {
        return new TermDecoder().decode(bytes);
    }

    /**
     * Erlang's notation for {@code term} on one line, as {@code io_lib:format("~tp", [Term])} prints
     * it (with the node's name where Erlang prints a node index in pids, ports and references).
     * Unlike {@code toString()} on a {@code Long} or {@code Double}, this prints floats as Erlang
     * does: {@code 1.0e10}, {@code 0.1}.
     */
    public static String format(Object term) {
        return TermFormat.format(requireTerm(term));
    }

    /** Whether {@code value} is a term in Jarl's representation (see {@link Term}), without widening. */
    public static boolean isTerm(Object value) {
        return value instanceof Term || value instanceof Long || (value instanceof Double d && Double.isFinite(d))
                || value instanceof io.jarl.Pid || value instanceof io.jarl.Ref
                || (value instanceof BigInteger b && b.bitLength() >= 64);
    }

    /**
     * {@code value} as a term: terms as they are, {@code Integer}, {@code Short} and {@code Byte}
     * widened to {@code Long}, a {@code BigInteger} that fits narrowed to {@code Long}, a
     * {@code Float} widened to {@code Double}.
     *
     * @throws IllegalArgumentException if {@code value} is not a term (a {@code String}, a
     *     {@code List}, NaN, ...): convert Java values with {@link TermMapper}
     * @throws NullPointerException if {@code value} is null
     */
    public static Object requireTerm(Object value) {
        return switch (value) {
            case null -> throw new NullPointerException("null is not an Erlang term");
            case Term t -> t;
            case Long l -> l;
            case io.jarl.Pid p -> p; // a pid or reference in Jarl's own types: written through a PidMapper
            case io.jarl.Ref r -> r;
            case Integer i -> integer(i);
            case Short s -> integer(s);
            case Byte b -> integer(b);
            case BigInteger b -> b.bitLength() < 64 ? integer(b.longValue()) : b;
            case Double d -> requireFinite(d);
            case Float f -> requireFinite(f.doubleValue());
            default -> throw new IllegalArgumentException("not an Erlang term: " + value.getClass().getName()
                    + " (TermMapper converts Java values to terms)");
        };
    }

    private static Double requireFinite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("Erlang floats are finite, not " + d);
        }
        return d;
    }

    /** The integer term {@code value}, sharing the boxes of 0 to 255. */
    public static Long integer(long value) {
        return value >= 0 && value < SMALL.length ? SMALL[(int) value] : Long.valueOf(value);
    }

    /** The integer term {@code value}: a {@code Long} if it fits, else the {@code BigInteger}. */
    public static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? integer(value.longValue()) : value;
    }

    /**
     * The text of an Erlang string: a binary decoded as UTF-8 (an Elixir string), or a proper list
     * of Unicode code points (an Erlang charlist, OTP: {@code unicode:characters_to_binary/1}).
     *
     * @throws IllegalArgumentException if {@code term} is neither, or holds something that is not a
     *     character
     */
    public static String string(Object term) {
        Objects.requireNonNull(term, "term");
        if (term instanceof Binary b) {
            return b.toUtf8String();
        }
        if (term instanceof ErlList l && l.isProper()) {
            StringBuilder out = new StringBuilder(l.size());
            for (Object c : l.elements) {
                if (!(c instanceof Long cp) || cp < 0 || cp > Character.MAX_CODE_POINT
                        || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                    throw new IllegalArgumentException("not a charlist: " + c + " is not a Unicode code point");
                }
                out.appendCodePoint(cp.intValue());
            }
            return out.toString();
        }
        throw new IllegalArgumentException("not a string (a binary or a list of code points): " + term);
    }

    /** Whether {@code len} bytes of {@code b} from {@code off} are well-formed UTF-8. */
    static boolean isValidUtf8(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= end) {
                return false;
            }
            int cp = c & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    static long requireUint32(String what, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " is an unsigned 32-bit value, not " + value);
        }
        return value;
    }
}
