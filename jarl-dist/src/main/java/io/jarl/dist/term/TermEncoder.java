package io.jarl.dist.term;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * Writes terms in Erlang's external term format (OTP: {@code term_to_binary/1,2}) as OTP 25 and
 * later read them: UTF-8 atoms, {@code NEW_FLOAT_EXT}, {@code NEW_PID_EXT},
 * {@code NEWER_REFERENCE_EXT}, {@code NEW_PORT_EXT} ({@code V4_PORT_EXT} only for ids of more than
 * 28 bits, as OTP 25 does), the smallest integer encoding, {@code STRING_EXT} for short lists of bytes (as OTP does),
 * and optionally compression.
 *
 * <pre>{@code
 * byte[] bytes = new TermEncoder().encode(Tuple.of(Atom.of("ping"), pid, 42));
 *
 * // a pass-through frame: 112, 131 + control, 131 + payload, in one buffer
 * TermEncoder out = new TermEncoder();
 * out.reset().writeByte(112).write(control).write(payload);
 * socket.write(out.buffer(), 0, out.size());
 * }</pre>
 *
 * <p>The input must be terms (see {@link Term}); {@link TermMapper} converts Java values first.
 * Encoding is iterative, so any depth the heap can hold encodes. Funs received from Erlang are
 * written back exactly as they arrived.
 *
 * <p>An encoder keeps a growing buffer and is not thread-safe; use one per connection or thread.
 */
public final class TermEncoder {
    /*
     * Implementation overview. One byte[] and a position; the buffer doubles when full. write()
     * walks the term with an explicit stack of (container, next child) pairs: entering a container
     * writes its header, every step writes one child (a leaf whole, a container's header and a new
     * stack entry), and a proper list writes its NIL when its last element is done. A list of
     * integers 0..255 of at most 65535 elements becomes STRING_EXT, as term_to_binary/1 does, so
     * OTP and Jarl produce the same bytes. Compression deflates the encoded term afterwards and is
     * kept only if it is smaller, as in OTP.
     */

    /**
     * How terms are written.
     *
     * @param stringExt whether lists of at most 65535 integers 0..255 are written as
     *     {@code STRING_EXT} (as OTP does) rather than {@code LIST_EXT}; both read the same
     * @param compressionLevel -1 for no compression, else the zlib level 0 to 9 for
     *     {@link #encode(Object)} and {@link #write(Object)} (OTP: {@code {compressed, Level}});
     *     the compressed form is used only when it is smaller
     */
    public record Options(boolean stringExt, int compressionLevel) {
        /** {@code STRING_EXT} on, no compression: what {@code term_to_binary/1} does. */
        public static final Options DEFAULT = new Options(true, -1);

        public Options {
            if (compressionLevel < -1 || compressionLevel > 9) {
                throw new IllegalArgumentException("compression level is -1 (off) or 0 to 9, not " + compressionLevel);
            }
        }

        /** These options with compression at {@code level} (0 to 9, OTP's default is 6), or off with -1. */
        public Options withCompression(int level) {
            return new Options(stringExt, level);
        }

        /** These options with {@code STRING_EXT} on or off. */
        public Options withStringExt(boolean on) {
            return new Options(on, compressionLevel);
        }
    }

    private final Options options;
    private byte[] buf;
    private int pos;

    private Object[] stack = new Object[16];
    private int[] next = new int[16];

    /** An encoder with the {@link Options#DEFAULT default options}. */
    public TermEncoder() {
        this(Options.DEFAULT);
    }

    /** An encoder with {@code options}. */
    public TermEncoder(Options options) {
        this(options, null);
    }

    /**
     * An encoder with {@code options} that writes {@link io.jarl.Pid}s and {@link io.jarl.Ref}s found
     * in terms as {@code pids} maps them (without one, they are refused).
     */
    public TermEncoder(Options options, PidMapper pids) {
        this.options = Objects.requireNonNull(options, "options");
        this.pids = pids;
        this.buf = new byte[256];
    }

    private final PidMapper pids;

    /**
     * The encoding of {@code term}: the version byte 131 and the term (compressed if the options say
     * so and it helps). Does not disturb the buffer used by {@link #write(Object)}.
     *
     * @throws IllegalArgumentException if {@code term} is not a term
     */
    public byte[] encode(Object term) {
        byte[] saved = buf;
        int savedPos = pos;
        buf = new byte[64];
        pos = 0;
        try {
            write(term);
            return Arrays.copyOf(buf, pos);
        } finally {
            buf = saved;
            pos = savedPos;
        }
    }

    /** Empties the buffer. */
    public TermEncoder reset() {
        pos = 0;
        return this;
    }

    /** Appends one byte (such as the pass-through tag 112). */
    public TermEncoder writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
        return this;
    }

    /**
     * Appends the version byte 131 and {@code term} (compressed if the options say so and it helps).
     *
     * @throws IllegalArgumentException if {@code term} is not a term; the buffer is then as it was
     */
    public TermEncoder write(Object term) {
        int begin = pos;
        try {
            writeByte(Ext.VERSION);
            writeTerm(term);
        } catch (RuntimeException e) {
            pos = begin;
            throw e;
        }
        if (options.compressionLevel() >= 0) {
            compress(begin + 1);
        }
        return this;
    }

    /**
     * Appends {@code term} without the version byte, as terms follow a distribution header
     * ({@code 131,68}); atoms are written inline, never as atom cache references.
     *
     * @throws IllegalArgumentException if {@code term} is not a term; the buffer is then as it was
     */
    public TermEncoder writeBare(Object term) {
        int begin = pos;
        try {
            writeTerm(term);
        } catch (RuntimeException e) {
            pos = begin;
            throw e;
        }
        return this;
    }

    /** The number of bytes written since the last {@link #reset()}. */
    public int size() {
        return pos;
    }

    /** The buffer itself (valid up to {@link #size()}), until the next write; not a copy. */
    public byte[] buffer() {
        return buf;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Writes the bytes written so far to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
    }

    // ---- the walk

    private void writeTerm(Object root) {
        if (leafOrOpen(root)) {
            return;
        }
        int sp = 0;
        int high = 1;
        stack[sp] = root;
        next[sp++] = 0;
        try {
            while (sp > 0) {
                Object x = stack[sp - 1];
                int i = next[sp - 1];
                Object child;
                switch (x) {
                    case Tuple t -> {
                        if (i == t.elements.length) {
                            sp--;
                            continue;
                        }
                        child = t.elements[i];
                    }
                    case ErlList l -> {
                        if (i < l.elements.length) {
                            child = l.elements[i];
                        } else if (i == l.elements.length) {
                            if (l.isProper()) {
                                writeByte(Ext.NIL);
                                sp--;
                                continue;
                            }
                            child = l.tail();
                        } else {
                            sp--;
                            continue;
                        }
                    }
                    default -> {
                        ErlMap m = (ErlMap) x;
                        if (i == 2 * m.keys.length) {
                            sp--;
                            continue;
                        }
                        child = (i & 1) == 0 ? m.keys[i >> 1] : m.values[i >> 1];
                    }
                }
                next[sp - 1] = i + 1;
                if (!leafOrOpen(child)) {
                    if (sp == stack.length) {
                        stack = Arrays.copyOf(stack, sp * 2);
                        next = Arrays.copyOf(next, sp * 2);
                    }
                    stack[sp] = child;
                    next[sp++] = 0;
                    high = Math.max(high, sp);
                }
            }
        } finally {
            Arrays.fill(stack, 0, high, null);
            if (stack.length > 1024) {
                stack = new Object[16];
                next = new int[16];
            }
        }
    }

    /** Writes a leaf, or a container with no children to visit, and returns true; or writes a container's header. */
    private boolean leafOrOpen(Object term) {
        switch (term) {
            case Tuple t -> {
                int n = t.elements.length;
                if (n < 256) {
                    ensure(2);
                    buf[pos++] = (byte) Ext.SMALL_TUPLE;
                    buf[pos++] = (byte) n;
                } else {
                    ensure(5);
                    buf[pos++] = (byte) Ext.LARGE_TUPLE;
                    putInt(n);
                }
                return n == 0;
            }
            case ErlList l -> {
                int n = l.elements.length;
                if (n == 0) {
                    writeByte(Ext.NIL);
                    return true;
                }
                if (options.stringExt() && n <= 0xFFFF && l.isProper() && bytesOnly(l.elements)) {
                    ensure(3 + n);
                    buf[pos++] = (byte) Ext.STRING;
                    buf[pos++] = (byte) (n >> 8);
                    buf[pos++] = (byte) n;
                    for (Object e : l.elements) {
                        buf[pos++] = (byte) (long) (Long) e;
                    }
                    return true;
                }
                ensure(5);
                buf[pos++] = (byte) Ext.LIST;
                putInt(n);
                return false;
            }
            case ErlMap m -> {
                ensure(5);
                buf[pos++] = (byte) Ext.MAP;
                putInt(m.keys.length);
                return m.keys.length == 0;
            }
            case Atom a -> atom(a);
            case Long l -> integer(l);
            case Integer i -> integer(i);
            case Short s -> integer(s);
            case Byte b -> integer(b);
            case BigInteger b -> big(b);
            case Double d -> floating(d);
            case Float f -> floating(f);
            case Binary b -> {
                ensure(5 + b.bytes.length);
                buf[pos++] = (byte) Ext.BINARY;
                putInt(b.bytes.length);
                System.arraycopy(b.bytes, 0, buf, pos, b.bytes.length);
                pos += b.bytes.length;
            }
            case Bitstring b -> {
                ensure(6 + b.bytes.length);
                buf[pos++] = (byte) Ext.BIT_BINARY;
                putInt(b.bytes.length);
                buf[pos++] = (byte) b.bitsInLastByte;
                System.arraycopy(b.bytes, 0, buf, pos, b.bytes.length);
                pos += b.bytes.length;
            }
            case ErlPid p -> pid(p);
            case io.jarl.Pid p -> pid(jarlPids(p).toTerm(p));
            case io.jarl.Ref r -> ref(jarlPids(r).toTerm(r));
            case ErlRef r -> ref(r);
            case ErlPort p -> {
                boolean v4 = (p.id() >>> 28) != 0; // NEW_PORT_EXT has 28 significant bits; OTP 25 does the same
                writeByte(v4 ? Ext.V4_PORT : Ext.NEW_PORT);
                atom(p.node());
                ensure(12);
                if (v4) {
                    putInt((int) (p.id() >>> 32));
                }
                putInt((int) p.id());
                putInt((int) p.creation());
            }
            case ErlFun.Export e -> {
                writeByte(Ext.EXPORT);
                atom(e.module());
                atom(e.function());
                ensure(2);
                buf[pos++] = (byte) Ext.SMALL_INTEGER;
                buf[pos++] = (byte) e.arity();
            }
            case ErlFun.Closure c -> {
                byte[] bytes = c.encodedShared();
                ensure(bytes.length);
                System.arraycopy(bytes, 0, buf, pos, bytes.length);
                pos += bytes.length;
            }
            case null -> throw new IllegalArgumentException("null is not an Erlang term");
            default -> throw new IllegalArgumentException("not an Erlang term: " + term.getClass().getName()
                    + " (TermMapper converts Java values to terms)");
        }
        return true;
    }

    private static boolean bytesOnly(Object[] elements) {
        for (Object e : elements) {
            if (!(e instanceof Long l) || l < 0 || l > 255) {
                return false;
            }
        }
        return true;
    }

    // ---- leaves

    private void atom(Atom atom) {
        String name = atom.name();
        int n = name.length();
        ensure(2 + 3 * n); // UTF-8 needs at most 3 bytes per UTF-16 char
        int tagAt = pos;
        pos += 2;
        int textAt = pos;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else {
                pos = textAt;
                byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (utf8.length > 255) {
                    ensure(utf8.length + 1);
                    buf[tagAt] = (byte) Ext.ATOM_UTF8;
                    buf[tagAt + 1] = (byte) (utf8.length >> 8);
                    buf[tagAt + 2] = (byte) utf8.length;
                    System.arraycopy(utf8, 0, buf, tagAt + 3, utf8.length);
                    pos = tagAt + 3 + utf8.length;
                    return;
                }
                System.arraycopy(utf8, 0, buf, textAt, utf8.length);
                pos = textAt + utf8.length;
                break;
            }
        }
        buf[tagAt] = (byte) Ext.SMALL_ATOM_UTF8;
        buf[tagAt + 1] = (byte) (pos - textAt);
    }

    private void integer(long v) {
        if (v >= 0 && v <= 255) {
            ensure(2);
            buf[pos++] = (byte) Ext.SMALL_INTEGER;
            buf[pos++] = (byte) v;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            ensure(5);
            buf[pos++] = (byte) Ext.INTEGER;
            putInt((int) v);
        } else {
            long magnitude = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 read as unsigned
            int n = 8 - Long.numberOfLeadingZeros(magnitude) / 8;
            ensure(3 + n);
            buf[pos++] = (byte) Ext.SMALL_BIG;
            buf[pos++] = (byte) n;
            buf[pos++] = (byte) (v < 0 ? 1 : 0);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) (magnitude >>> (8 * i));
            }
        }
    }

    private void big(BigInteger b) {
        if (b.bitLength() < 64) {
            integer(b.longValue());
            return;
        }
        byte[] bigEndian = b.abs().toByteArray();
        int skip = bigEndian[0] == 0 ? 1 : 0;
        int n = bigEndian.length - skip;
        ensure(6 + n);
        if (n < 256) {
            buf[pos++] = (byte) Ext.SMALL_BIG;
            buf[pos++] = (byte) n;
        } else {
            buf[pos++] = (byte) Ext.LARGE_BIG;
            putInt(n);
        }
        buf[pos++] = (byte) (b.signum() < 0 ? 1 : 0);
        for (int i = bigEndian.length - 1; i >= skip; i--) {
            buf[pos++] = bigEndian[i];
        }
    }

    private void floating(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("Erlang floats are finite, not " + d);
        }
        ensure(9);
        buf[pos++] = (byte) Ext.NEW_FLOAT;
        long bits = Double.doubleToRawLongBits(d);
        putInt((int) (bits >>> 32));
        putInt((int) bits);
    }

    private PidMapper jarlPids(Object value) {
        if (pids == null) {
            throw new IllegalArgumentException("a Jarl " + value.getClass().getSimpleName() + " (" + value
                    + ") can be written only by an encoder with a PidMapper (a distributed node's)");
        }
        return pids;
    }

    private void ref(ErlRef r) {
        int[] ids = r.idsShared();
        ensure(3);
        buf[pos++] = (byte) Ext.NEWER_REFERENCE;
        buf[pos++] = 0;
        buf[pos++] = (byte) ids.length;
        atom(r.node());
        ensure(4 + 4 * ids.length);
        putInt((int) r.creation());
        for (int id : ids) {
            putInt(id);
        }
    }

    private void pid(ErlPid p) {
        writeByte(Ext.NEW_PID);
        atom(p.node());
        ensure(12);
        putInt((int) p.id());
        putInt((int) p.serial());
        putInt((int) p.creation());
    }

    private void putInt(int v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            long size = Math.max((long) buf.length * 2, (long) pos + n);
            if (size > Integer.MAX_VALUE - 8) {
                if ((long) pos + n > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("the encoding would pass the 2 GiB a Java array can hold");
                }
                size = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, (int) size);
        }
    }

    // ---- compression

    /** Replaces the term at {@code termAt} (after its 131) with 80, size, zlib data, if that is smaller. */
    private void compress(int termAt) {
        int length = pos - termAt;
        Deflater deflater = new Deflater(options.compressionLevel());
        try {
            deflater.setInput(buf, termAt, length);
            deflater.finish();
            byte[] out = new byte[Math.max(64, length)];
            int n = 0;
            while (!deflater.finished()) {
                if (n + 5 >= length) {
                    return; // no smaller: keep it as it is
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += deflater.deflate(out, n, out.length - n);
            }
            if (5 + n >= length) {
                return;
            }
            pos = termAt;
            ensure(5 + n);
            buf[pos++] = (byte) Ext.COMPRESSED;
            putInt(length);
            System.arraycopy(out, 0, buf, pos, n);
            pos += n;
        } finally {
            deflater.end();
        }
    }

    // ---- funs whose atoms came from an atom cache

    static byte[] closureBytes(Atom module, int arity, byte[] uniq, long index, long oldIndex, long oldUniq, ErlPid pid,
            Object[] freeVars) {
        TermEncoder e = new TermEncoder();
        e.ensure(29);
        e.buf[e.pos++] = (byte) Ext.NEW_FUN;
        int sizeAt = e.pos;
        e.pos += 4;
        e.buf[e.pos++] = (byte) arity;
        System.arraycopy(uniq, 0, e.buf, e.pos, 16);
        e.pos += 16;
        e.putInt((int) index);
        e.putInt(freeVars.length);
        e.atom(module);
        e.integer(oldIndex);
        e.integer(oldUniq);
        e.pid(pid);
        for (Object v : freeVars) {
            e.writeTerm(v);
        }
        int size = e.pos - sizeAt;
        e.buf[sizeAt] = (byte) (size >>> 24);
        e.buf[sizeAt + 1] = (byte) (size >>> 16);
        e.buf[sizeAt + 2] = (byte) (size >>> 8);
        e.buf[sizeAt + 3] = (byte) size;
        return Arrays.copyOf(e.buf, e.pos);
    }
}
