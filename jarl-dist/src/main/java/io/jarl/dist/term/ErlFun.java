package io.jarl.dist.term;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An Erlang fun (OTP: {@code fun()}): either an {@link Export} {@code fun m:f/a}, which names a
 * function, or a {@link Closure}, which is compiled Erlang code plus captured values and so can only
 * be carried and sent back, never run, in Java.
 */
public sealed interface ErlFun extends Term {

    /** The number of arguments the fun takes. */
    int arity();

    /**
     * An external fun {@code fun Module:Function/Arity} (OTP: {@code EXPORT_EXT}).
     *
     * @param module the module
     * @param function the function
     * @param arity 0 to 255
     */
    record Export(Atom module, Atom function, int arity) implements ErlFun {
        public Export {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(function, "function");
            if (arity < 0 || arity > 255) {
                throw new IllegalArgumentException("a fun's arity is 0 to 255, not " + arity);
            }
        }

        /** Erlang's notation {@code fun m:f/2}. */
        @Override
        public String toString() {
            return TermFormat.format(this);
        }
    }

    /**
     * A local fun, {@code fun(X) -> ... end} or {@code fun f/1}, received from an Erlang node
     * (OTP: {@code NEW_FUN_EXT}). Jarl keeps it opaque: the bytes it arrived as are kept and sent
     * back unchanged, and the parts are readable for inspection.
     *
     * <p>Two closures are equal when their encodings are, which for funs from one node is when they
     * are the same fun with the same captured values. It prints as {@code #Fun<Module.Index.Uniq>}
     * like Erlang.
     */
    final class Closure implements ErlFun {
        private final Atom module;
        private final int arity;
        private final byte[] uniq;
        private final long index;
        private final long oldIndex;
        private final long oldUniq;
        private final ErlPid pid;
        private final Object[] freeVars;
        private final byte[] encoded;

        Closure(Atom module, int arity, byte[] uniq, long index, long oldIndex, long oldUniq, ErlPid pid,
                Object[] freeVars, byte[] encoded) {
            this.module = module;
            this.arity = arity;
            this.uniq = uniq;
            this.index = index;
            this.oldIndex = oldIndex;
            this.oldUniq = oldUniq;
            this.pid = pid;
            this.freeVars = freeVars;
            this.encoded = encoded;
        }

        /** The module whose code the fun runs. */
        public Atom module() {
            return module;
        }

        @Override
        public int arity() {
            return arity;
        }

        /** The fun's index in its module (unsigned 32-bit). */
        public long index() {
            return index;
        }

        /** The 16-byte MD5 of the significant parts of the module's BEAM file. */
        public byte[] uniq() {
            return uniq.clone();
        }

        /** The old index (OTP: {@code OldIndex}). */
        public long oldIndex() {
            return oldIndex;
        }

        /** The hash of the fun's parse tree (OTP: {@code OldUniq}). */
        public long oldUniq() {
            return oldUniq;
        }

        /** The process that made the fun. */
        public ErlPid pid() {
            return pid;
        }

        /** The captured values, as an unmodifiable list. */
        public List<Object> freeVars() {
            return Collections.unmodifiableList(Arrays.asList(freeVars));
        }

        /** A copy of the encoding, from the {@code NEW_FUN_EXT} tag (112) on, without version byte. */
        public byte[] encoded() {
            return encoded.clone();
        }

        byte[] encodedShared() {
            return encoded;
        }

        Object[] freeVarsShared() {
            return freeVars;
        }

        byte[] uniqShared() {
            return uniq;
        }

        @Override
        public boolean equals(Object other) {
            return this == other || (other instanceof Closure c && Arrays.equals(c.encoded, encoded));
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(encoded);
        }

        @Override
        public String toString() {
            return TermFormat.format(this);
        }
    }
}
