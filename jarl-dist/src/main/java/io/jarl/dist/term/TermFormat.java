package io.jarl.dist.term;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Set;

/**
 * Prints terms the way Erlang/OTP 25's {@code io_lib:format("~tp", [T])} does on one line.
 *
 * <p>Implementation overview: a walk with an explicit stack (no recursion), writing a container's
 * opening bracket when it is entered and its closing one when its last child is done. Strings and
 * binaries are printed as text under the rules of {@code io_lib_pretty} with the default
 * printable range ({@code +pc latin1}): a binary that is valid UTF-8 is text if all its characters
 * are printable, any other binary if all its bytes are printable Latin-1; floats use the shortest digits that read back as the same
 * double (as Java's {@link Double#toString(double)} and OTP's {@code io_lib_format:fwrite_g/1} both
 * choose), laid out by OTP 25's {@code insert_decimal/2}; atoms are quoted by
 * {@code io_lib:write_atom/1}'s rules.
 */
final class TermFormat {
    private TermFormat() {
    }

    private static final Set<String> RESERVED = Set.of("after", "and", "andalso", "band", "begin", "bnot", "bor",
            "bsl", "bsr", "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or",
            "orelse", "receive", "rem", "try", "when", "xor");

    static String format(Object term) {
        StringBuilder out = new StringBuilder();
        write(out, term);
        return out.toString();
    }

    static void write(StringBuilder out, Object root) {
        if (leafOrOpen(out, root)) {
            return;
        }
        Object[] stack = new Object[16];
        int[] next = new int[16];
        int sp = 0;
        stack[sp] = root;
        next[sp++] = 0;
        while (sp > 0) {
            Object x = stack[sp - 1];
            int i = next[sp - 1];
            Object child;
            switch (x) {
                case Tuple t -> {
                    if (i == t.elements.length) {
                        out.append('}');
                        sp--;
                        continue;
                    }
                    if (i > 0) {
                        out.append(',');
                    }
                    child = t.elements[i];
                }
                case ErlList l -> {
                    if (i < l.elements.length) {
                        if (i > 0) {
                            out.append(',');
                        }
                        child = l.elements[i];
                    } else if (i == l.elements.length && !l.isProper()) {
                        out.append('|');
                        child = l.tail();
                    } else {
                        out.append(']');
                        sp--;
                        continue;
                    }
                }
                default -> {
                    ErlMap m = (ErlMap) x;
                    if (i == 2 * m.keys.length) {
                        out.append('}');
                        sp--;
                        continue;
                    }
                    if (i % 2 == 0) {
                        if (i > 0) {
                            out.append(',');
                        }
                        child = m.keys[i / 2];
                    } else {
                        out.append(" => ");
                        child = m.values[i / 2];
                    }
                }
            }
            next[sp - 1] = i + 1;
            if (!leafOrOpen(out, child)) {
                if (sp == stack.length) {
                    stack = Arrays.copyOf(stack, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                }
                stack[sp] = child;
                next[sp++] = 0;
            }
        }
    }

    /** Writes a leaf (or an empty or string-like container) whole and returns true, or opens a container. */
    private static boolean leafOrOpen(StringBuilder out, Object term) {
        switch (term) {
            case Tuple t -> {
                out.append('{');
                if (t.elements.length == 0) {
                    out.append('}');
                    return true;
                }
                return false;
            }
            case ErlList l -> {
                if (l.elements.length == 0) {
                    out.append("[]");
                    return true;
                }
                if (l.isProper() && printableList(l.elements)) {
                    quotedString(out, l.elements);
                    return true;
                }
                out.append('[');
                return false;
            }
            case ErlMap m -> {
                out.append("#{");
                if (m.keys.length == 0) {
                    out.append('}');
                    return true;
                }
                return false;
            }
            case Atom a -> atom(out, a.name());
            case Long l -> out.append(l.longValue());
            case Double d -> floating(out, d);
            case Binary b -> binary(out, b.bytes);
            case Bitstring b -> {
                out.append("<<");
                for (int i = 0; i < b.bytes.length - 1; i++) {
                    out.append(b.bytes[i] & 0xFF).append(',');
                }
                int last = (b.bytes[b.bytes.length - 1] & 0xFF) >>> (8 - b.bitsInLastByte);
                out.append(last).append(':').append(b.bitsInLastByte).append(">>");
            }
            case io.jarl.Pid p -> out.append(p);
            case io.jarl.Ref r -> out.append(r);
            case ErlPid p -> out.append('<').append(p.node().name()).append('.').append(p.id()).append('.')
                    .append(p.serial()).append('>');
            case ErlRef r -> {
                out.append("#Ref<").append(r.node().name());
                for (int i = r.size() - 1; i >= 0; i--) {
                    out.append('.').append(r.id(i));
                }
                out.append('>');
            }
            case ErlPort p -> out.append("#Port<").append(p.node().name()).append('.')
                    .append(Long.toUnsignedString(p.id())).append('>');
            case ErlFun.Export e -> {
                out.append("fun ");
                funAtom(out, e.module().name());
                out.append(':');
                funAtom(out, e.function().name());
                out.append('/').append(e.arity());
            }
            case ErlFun.Closure c -> {
                out.append("#Fun<");
                funAtom(out, c.module().name());
                out.append('.').append(c.index()).append('.').append(c.oldUniq()).append('>');
            }
            default -> out.append(term); // BigInteger, or a foreign object inside a malformed container
        }
        return true;
    }

    // ---- atoms (io_lib:write_atom/1)

    static void atom(StringBuilder out, String name) {
        if (needsQuotes(name)) {
            quoted(out, name);
        } else {
            out.append(name);
        }
    }

    private static void quoted(StringBuilder out, String name) {
        out.append('\'');
        name.codePoints().forEach(c -> {
            if (c > 255) {
                out.appendCodePoint(c); // ~tp writes any Unicode character of an atom as it is
            } else {
                character(out, c, '\'');
            }
        });
        out.append('\'');
    }

    /**
     * An atom in a printed fun: OTP prints funs with the runtime system's own rule, which quotes
     * an atom unless it is a lowercase letter followed by letters, digits and underscores (so
     * {@code 'a@b'} is quoted, {@code and} is not).
     */
    private static void funAtom(StringBuilder out, String name) {
        boolean bare = !name.isEmpty() && Character.isLowerCase(name.charAt(0));
        for (int i = 0; bare && i < name.length(); i++) {
            char c = name.charAt(i);
            bare = Character.isLetterOrDigit(c) || c == '_';
        }
        if (bare) {
            out.append(name);
        } else {
            quoted(out, name);
        }
    }

    private static boolean needsQuotes(String name) {
        if (name.isEmpty() || RESERVED.contains(name)) {
            return true;
        }
        char first = name.charAt(0);
        if (!((first >= 'a' && first <= 'z') || (first >= 'ß' && first <= 'ÿ' && first != '÷'))) {
            return true;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean nameChar = (c >= 'a' && c <= 'z') || (c >= 'ß' && c <= 'ÿ' && c != '÷') || (c >= 'A' && c <= 'Z')
                    || (c >= 'À' && c <= 'Þ' && c != '×') || (c >= '0' && c <= '9') || c == '_' || c == '@';
            if (!nameChar) {
                return true;
            }
        }
        return false;
    }

    // ---- strings (io_lib:write_string/2 and io_lib:printable_list/1 with the latin1 range)

    private static boolean printable(long c) {
        return (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || (c >= 8 && c <= 13) || c == 27;
    }

    private static boolean printableList(Object[] elements) {
        for (Object e : elements) {
            if (!(e instanceof Long c) || !printable(c)) {
                return false;
            }
        }
        return true;
    }

    private static void quotedString(StringBuilder out, Object[] chars) {
        out.append('"');
        for (Object c : chars) {
            character(out, ((Long) c).intValue(), '"');
        }
        out.append('"');
    }

    private static void character(StringBuilder out, int c, char quote) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 11 -> out.append("\\v");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case 27 -> out.append("\\e");
            case 127 -> out.append("\\d");
            case '\\' -> out.append("\\\\");
            default -> {
                if (c == quote) {
                    out.append('\\').append(quote);
                } else if ((c >= 32 && c <= 126) || (c >= 160 && c <= 255)) {
                    out.append((char) c);
                } else if (c < 160) {
                    out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                            .append((char) ('0' + (c & 7)));
                } else {
                    out.append("\\x{").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append('}');
                }
            }
        }
    }

    // ---- binaries (io_lib_pretty's printable_bin)

    private static void binary(StringBuilder out, byte[] bytes) {
        out.append("<<");
        if (bytes.length > 0) {
            boolean ascii = true;
            for (byte b : bytes) {
                ascii &= b >= 0;
            }
            boolean text;
            if (Terms.isValidUtf8(bytes, 0, bytes.length)) {
                // valid UTF-8 is text only if every character is printable, never Latin-1 instead
                String s = ascii ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                text = ascii ? allPrintable(bytes) : s.codePoints().allMatch(TermFormat::printable);
                if (text && !ascii) {
                    out.append('"');
                    s.codePoints().forEach(c -> character(out, c, '"'));
                    out.append("\"/utf8>>");
                    return;
                }
            } else {
                text = allPrintable(bytes);
            }
            if (text) {
                out.append('"');
                for (byte b : bytes) {
                    character(out, b & 0xFF, '"');
                }
                out.append('"');
            } else {
                for (int i = 0; i < bytes.length; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(bytes[i] & 0xFF);
                }
            }
        }
        out.append(">>");
    }

    private static boolean allPrintable(byte[] bytes) {
        for (byte b : bytes) {
            if (!printable(b & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    // ---- floats (io_lib_format:fwrite_g/1 of OTP 25)

    /**
     * The shortest decimal that reads back as {@code d} (positive, finite), the closest to it among
     * those. Java's {@link Double#toString(double)} gives that, except that it never gives a single
     * digit: where one digit would do (5.0e-324) it gives the closest two (4.9e-324).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal twoDigits = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (twoDigits.precision() != 2) {
            return twoDigits;
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal best = null;
        for (BigDecimal one : new BigDecimal[] {twoDigits.setScale(twoDigits.scale() - 1, RoundingMode.FLOOR),
            twoDigits.setScale(twoDigits.scale() - 1, RoundingMode.CEILING)}) {
            if (one.signum() > 0 && one.doubleValue() == d
                    && (best == null || one.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = one;
            }
        }
        return best == null ? twoDigits : best.stripTrailingZeros();
    }

    static void floating(StringBuilder out, double d) {
        if (d == 0) {
            out.append(Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0");
            return;
        }
        if (d < 0) {
            out.append('-');
        }
        double abs = Math.abs(d);
        BigDecimal shortest = shortest(abs);
        String digits = shortest.unscaledValue().toString();
        int length = digits.length();
        int place = length - shortest.scale(); // the value is 0.DIGITS * 10^place
        if (place == 0) {
            out.append("0.").append(digits);
        } else if (place < 0 || place >= length) {
            String exp = Integer.toString(place - 1);
            int expCost = exp.length() + 1 + (length == 1 ? 2 : 1);
            if (place < 0 && 2 - place <= expCost) {
                out.append("0.").repeat('0', -place).append(digits);
            } else if (place > 0 && place - length + 2 <= expCost && abs < 0x1p53) {
                out.append(digits).repeat('0', place - length).append(".0");
            } else {
                out.append(digits.charAt(0)).append('.');
                out.append(length == 1 ? "0" : digits.substring(1)).append('e').append(exp);
            }
        } else {
            out.append(digits, 0, place).append('.').append(digits, place, length);
        }
    }
}
