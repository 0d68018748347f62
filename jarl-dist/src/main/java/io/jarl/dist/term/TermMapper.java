package io.jarl.dist.term;

import io.jarl.Pid;
import io.jarl.Ref;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Converts between Java values and Erlang terms, so that Java processes can exchange ordinary
 * values, records and enums with Erlang and Elixir processes (Jarl's counterpart of what
 * JInterface leaves to hand-written code).
 *
 * <pre>{@code
 * record Ping(ErlPid from, int count) {}         // {ping, From, Count}
 * enum Status { UP, SLOW_DOWN }                    // up, slow_down
 *
 * TermMapper mapper = TermMapper.builder()
 *         .registerRecord(Ping.class)              // tag: the snake_case simple name, ping
 *         .registerRecord(Pong.class, "pong_reply") // or an explicit tag
 *         .registerEnum(Status.class)
 *         .build();
 *
 * Object term = mapper.toTerm(new Ping(pid, 3));   // {ping,<e1@vm.85.0>,3}
 * switch (mapper.fromTerm(received)) {            // a registered tuple comes back as its record
 *     case Ping(ErlPid from, int count) -> ...
 *     case Tuple other -> ...                      // an unknown tuple stays a Tuple
 *     default -> ...
 * }
 * }</pre>
 *
 * <h2>The mapping</h2>
 * <table class="striped">
 *   <caption>Java values and their terms</caption>
 *   <thead><tr><th>Java</th><th>Erlang</th><th>back, untyped ({@link #fromTerm(Object)})</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code null}</td><td>refused: Erlang has no null (send {@link Atom#UNDEFINED} or
 *       {@code nil} explicitly)</td><td></td></tr>
 *   <tr><td>{@code Boolean}</td><td>{@code true}, {@code false}</td><td>{@code Boolean}</td></tr>
 *   <tr><td>{@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code BigInteger}</td>
 *       <td>integer</td><td>{@code Long}, or {@code BigInteger} beyond the long range</td></tr>
 *   <tr><td>{@code Float}, {@code Double}</td><td>float (finite only)</td><td>{@code Double}</td></tr>
 *   <tr><td>{@code Character}</td><td>integer (the UTF-16 code unit)</td><td>{@code Long}</td></tr>
 *   <tr><td>{@code String}</td><td>UTF-8 binary, an Elixir string</td><td>{@link Binary}</td></tr>
 *   <tr><td>{@code byte[]}</td><td>binary</td><td>{@link Binary}</td></tr>
 *   <tr><td>{@code List}</td><td>proper list</td><td>unmodifiable {@code List}</td></tr>
 *   <tr><td>{@code Map}</td><td>map</td><td>unmodifiable {@code Map} (insertion ordered)</td></tr>
 *   <tr><td>registered record {@code R(a, b)}</td><td>{@code {r, A, B}}</td><td>the record</td></tr>
 *   <tr><td>registered enum constant</td><td>atom</td><td>the constant</td></tr>
 *   <tr><td>{@link Pid}, {@link Ref}</td><td>pid, reference: with a node's {@link PidMapper}, the
 *       Jarl pid or reference itself (its encoder writes it; its decoder gives Jarl pids, in tuples
 *       too); without one, refused</td><td>what the {@link PidMapper} gives</td></tr>
 *   <tr><td>a {@link Term}, {@code Long}, {@code BigInteger}, {@code Double}</td><td>itself</td>
 *       <td>itself (atoms, unknown tuples, improper lists, binaries, funs, ports stay terms)</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>A binary is a {@code String} in Java only when a {@code String} is asked for: untyped, it
 * stays a {@link Binary} ({@link Binary#toUtf8String()}), because not every binary is text. So
 * the mapping is reversible: {@code toTerm(fromTerm(t))} is {@code t}, and
 * {@code fromTerm(toTerm(v), v's type)} is {@code v}. To send an Erlang charlist (a list of code
 * points) instead of a binary, put {@link ErlList#charlist(String)} in the value.
 *
 * <p>Typed conversion ({@link #fromTerm(Object, Class)}, and the components of records, whose
 * declared generic types are used) converts to: the numeric types (range-checked; {@code double}
 * also accepts an integer), {@code boolean}, {@code char}, {@code String} (from a UTF-8 binary or a
 * charlist), {@code byte[]}, {@code List<E>}, {@code Collection<E>}, {@code Map<K, V>}, registered
 * records and enums, {@link Pid} and {@link Ref} (through the {@link PidMapper}), any {@link Term}
 * type, and {@code Object} (untyped).
 *
 * <p>Records and enums cross only if registered, so that the set of Java types a peer can make
 * appear in a process is explicit. A record's tag is the snake_case of its simple name
 * ({@code PingPong} gives {@code ping_pong}, {@code HTTPRequest} gives {@code http_request}), an
 * enum constant's atom the lower-cased constant name ({@code SLOW_DOWN} gives {@code slow_down});
 * both can be given explicitly. Records with the same tag must differ in arity. An atom that two
 * registered enums share, or {@code true}/{@code false}, decodes untyped as an {@link Atom} or
 * {@code Boolean}; typed, it decodes as the constant.
 *
 * <p>A mapper is immutable and thread-safe. Conversion is iterative in both directions, so deep
 * values do not overflow the stack; nesting beyond {@link Builder#maxDepth(int)} (a million by
 * default, which also catches a {@code List} that contains itself) fails.
 *
 * <h2>Records in modules</h2>
 * The mapper reads record components and calls canonical constructors through method handles. A
 * public record in an exported package works as is; otherwise the record's module must open its
 * package to {@code io.jarl.dist}, or register it with a {@link MethodHandles.Lookup} of its own:
 * {@code registerRecord(Ping.class, "ping", MethodHandles.lookup())}.
 */
public final class TermMapper {
    private record TagKey(Atom tag, int arity) {
    }

    private record RecordType(Class<?> type, Atom tag, String[] names, Type[] types, MethodHandle[] accessors,
            MethodHandle constructor) {
    }

    private record EnumType(Class<?> type, Atom[] atoms, Map<Atom, Object> constants) {
    }

    private final Map<Class<?>, RecordType> records;
    private final Map<TagKey, RecordType> recordsByTag;
    private final Map<Class<?>, EnumType> enums;
    private final Map<Atom, Object> enumsByAtom;
    private final PidMapper pids;
    private final int maxDepth;

    private TermMapper(Builder b) {
        this.records = Map.copyOf(b.records);
        this.recordsByTag = Map.copyOf(b.recordsByTag);
        this.enums = Map.copyOf(b.enums);
        Map<Atom, Object> byAtom = new HashMap<>();
        Set<Atom> ambiguous = new HashSet<>();
        for (EnumType e : b.enums.values()) {
            for (Map.Entry<Atom, Object> c : e.constants().entrySet()) {
                if (byAtom.putIfAbsent(c.getKey(), c.getValue()) != null) {
                    ambiguous.add(c.getKey());
                }
            }
        }
        ambiguous.forEach(byAtom::remove);
        byAtom.remove(Atom.TRUE);
        byAtom.remove(Atom.FALSE);
        this.enumsByAtom = Map.copyOf(byAtom);
        this.pids = b.pids;
        this.maxDepth = b.maxDepth;
    }

    /** A mapper with nothing registered and {@link PidMapper#NONE}. */
    public static TermMapper defaults() {
        return builder().build();
    }

    /** A builder for a mapper. */
    public static Builder builder() {
        return new Builder();
    }

    /** The tag of registered record type {@code type}. */
    public Atom tagOf(Class<? extends Record> type) {
        RecordType r = records.get(type);
        if (r == null) {
            throw notRegistered(type);
        }
        return r.tag();
    }

    // ---- Java to term

    /**
     * The external term format of {@code value} (OTP: {@code term_to_binary/1}), pids and references
     * written through this mapper's {@link PidMapper}.
     */
    public byte[] termToBinary(Object value) {
        return new TermEncoder(TermEncoder.Options.DEFAULT, pids == PidMapper.NONE ? null : pids).encode(toTerm(value));
    }

    /**
     * The term for {@code value}, as the table in the class description says.
     *
     * @throws TermMappingException naming the type and its place in {@code value} if something has
     *     no term (null, an unregistered record or enum, a {@code Set}, ...)
     */
    public Object toTerm(Object value) {
        List<Frame> frames = new ArrayList<>();
        try {
            Object term = toTermStep(value, frames);
            for (;;) {
                if (term != null) {
                    if (frames.isEmpty()) {
                        return term;
                    }
                    Frame f = frames.getLast();
                    f.out[f.outOffset + f.next++] = term;
                }
                Frame f = frames.getLast();
                if (f.next < f.src.length) {
                    term = toTermStep(f.src[f.next], frames);
                    continue;
                }
                frames.removeLast();
                term = switch (f.kind) {
                    case Frame.LIST -> ErlList.proper(f.out);
                    case Frame.RECORD -> new Tuple(f.out);
                    default -> buildMap(f.out);
                };
            }
        } catch (TermMappingException e) {
            throw frames.isEmpty() ? e : new TermMappingException(path(frames, true) + ": " + e.getMessage(), e);
        }
    }

    private Object toTermStep(Object value, List<Frame> frames) {
        switch (value) {
            case null -> throw new TermMappingException("null has no Erlang term (send Atom.UNDEFINED or an "
                    + "explicit atom instead)");
            case Term t -> {
                return t;
            }
            case Long l -> {
                return l;
            }
            case Integer i -> {
                return Terms.integer(i);
            }
            case Short s -> {
                return Terms.integer(s);
            }
            case Byte b -> {
                return Terms.integer(b);
            }
            case BigInteger b -> {
                return Terms.integer(b);
            }
            case Double d -> {
                return finite(d);
            }
            case Float f -> {
                return finite(f.doubleValue());
            }
            case Boolean b -> {
                return Atom.of(b);
            }
            case Character c -> {
                return Terms.integer(c.charValue());
            }
            case String s -> {
                return Binary.of(s);
            }
            case byte[] bytes -> {
                return Binary.of(bytes);
            }
            case Pid pid -> {
                // With a node's PidMapper a Jarl pid is a term as it is (what its decoder gives,
                // what its encoder writes); without one it has no Erlang form.
                return pids == PidMapper.NONE ? Objects.requireNonNull(pids.toTerm(pid), "PidMapper gave null") : pid;
            }
            case Ref ref -> {
                return pids == PidMapper.NONE ? Objects.requireNonNull(pids.toTerm(ref), "PidMapper gave null") : ref;
            }
            case Enum<?> e -> {
                EnumType type = enums.get(e.getDeclaringClass());
                if (type == null) {
                    throw notRegistered(e.getDeclaringClass());
                }
                return type.atoms()[e.ordinal()];
            }
            case Record r -> {
                RecordType type = records.get(r.getClass());
                if (type == null) {
                    throw notRegistered(r.getClass());
                }
                Object[] components = new Object[type.accessors().length];
                for (int i = 0; i < components.length; i++) {
                    try {
                        components[i] = (Object) type.accessors()[i].invokeExact((Object) r);
                    } catch (Throwable t) {
                        throw new TermMappingException("reading " + type.type().getSimpleName() + "."
                                + type.names()[i] + " failed: " + t, t);
                    }
                }
                Object[] out = new Object[components.length + 1];
                out[0] = type.tag();
                if (components.length == 0) {
                    return new Tuple(out);
                }
                push(frames, new Frame(Frame.RECORD, components, out, 1, type));
                return null;
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    return ErlList.NIL;
                }
                Object[] elements = list.toArray();
                push(frames, new Frame(Frame.LIST, elements, new Object[elements.length], 0, null));
                return null;
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    return ErlMap.EMPTY;
                }
                Object[] kv = new Object[2 * map.size()];
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    kv[i++] = e.getKey();
                    kv[i++] = e.getValue();
                }
                push(frames, new Frame(Frame.MAP, kv, new Object[kv.length], 0, null));
                return null;
            }
            default -> throw new TermMappingException("a " + value.getClass().getName()
                    + " has no Erlang term (supported: numbers, Boolean, Character, String, byte[], List, Map, "
                    + "registered records and enums, Pid, Ref, and terms)");
        }
    }

    private static Object finite(double d) {
        if (!Double.isFinite(d)) {
            throw new TermMappingException("Erlang floats are finite, not " + d);
        }
        return d;
    }

    private static ErlMap buildMap(Object[] kv) {
        int n = kv.length / 2;
        Object[] keys = new Object[n];
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            keys[i] = kv[2 * i];
            values[i] = kv[2 * i + 1];
        }
        ErlMap map = ErlMap.build(keys, values);
        if (map == null) {
            throw new TermMappingException("two keys of the map are the same Erlang term");
        }
        return map;
    }

    // ---- term to Java

    /**
     * The Java value for {@code term}, untyped: as the table in the class description says.
     *
     * @throws TermMappingException if a registered record's tuple has components that do not fit
     */
    public Object fromTerm(Object term) {
        return fromTerm(term, (Type) Object.class);
    }

    /**
     * The Java value of {@code type} for {@code term}; a primitive type gives its wrapper.
     *
     * @throws TermMappingException if {@code term} does not fit {@code type}, naming where
     */
    @SuppressWarnings("unchecked")
    public <T> T fromTerm(Object term, Class<T> type) {
        return (T) fromTerm(term, (Type) type);
    }

    /**
     * The Java value of generic {@code type}, such as {@code List<String>}, for {@code term}.
     *
     * @throws TermMappingException if {@code term} does not fit {@code type}, naming where
     */
    public Object fromTerm(Object term, Type type) {
        Objects.requireNonNull(term, "term");
        List<Frame> frames = new ArrayList<>();
        try {
            Object value = fromTermStep(term, type, frames);
            for (;;) {
                if (value != null) {
                    if (frames.isEmpty()) {
                        return value;
                    }
                    Frame f = frames.getLast();
                    f.out[f.next++] = value;
                }
                Frame f = frames.getLast();
                if (f.next < f.out.length) {
                    value = fromTermStep(f.childTerm(f.next), f.childType(f.next), frames);
                    continue;
                }
                frames.removeLast();
                value = switch (f.kind) {
                    case Frame.LIST -> Collections.unmodifiableList(Arrays.asList(f.out));
                    case Frame.RECORD -> construct(f.record, f.out);
                    default -> javaMap(f.out);
                };
            }
        } catch (TermMappingException e) {
            throw frames.isEmpty() ? e : new TermMappingException(path(frames, false) + ": " + e.getMessage(), e);
        }
    }

    private Object fromTermStep(Object term, Type type, List<Frame> frames) {
        Class<?> raw = rawClass(type);
        if (raw == Object.class) {
            return untyped(term, frames);
        }
        if (raw.isPrimitive()) {
            raw = MethodType.methodType(raw).wrap().returnType();
        }
        if (raw == Long.class) {
            return integer(term, Long.MIN_VALUE, Long.MAX_VALUE, raw);
        } else if (raw == Integer.class) {
            return (int) integer(term, Integer.MIN_VALUE, Integer.MAX_VALUE, raw);
        } else if (raw == Short.class) {
            return (short) integer(term, Short.MIN_VALUE, Short.MAX_VALUE, raw);
        } else if (raw == Byte.class) {
            return (byte) integer(term, Byte.MIN_VALUE, Byte.MAX_VALUE, raw);
        } else if (raw == Character.class) {
            return (char) integer(term, Character.MIN_VALUE, Character.MAX_VALUE, raw);
        } else if (raw == BigInteger.class) {
            return switch (term) {
                case Long l -> BigInteger.valueOf(l);
                case BigInteger b -> b;
                default -> throw mismatch(raw, "an integer", term);
            };
        } else if (raw == Double.class || raw == Float.class) {
            double d = switch (term) {
                case Double x -> x;
                case Long l -> l;
                case BigInteger b -> b.doubleValue();
                default -> throw mismatch(raw, "a number", term);
            };
            return raw == Double.class ? (Object) d : (Object) (float) d;
        } else if (raw == Number.class) {
            if (term instanceof Number) {
                return term;
            }
            throw mismatch(raw, "a number", term);
        } else if (raw == Boolean.class) {
            if (Atom.TRUE.equals(term)) {
                return Boolean.TRUE;
            } else if (Atom.FALSE.equals(term)) {
                return Boolean.FALSE;
            }
            throw mismatch(raw, "true or false", term);
        } else if (raw == String.class || raw == CharSequence.class) {
            try {
                return Terms.string(term);
            } catch (IllegalArgumentException e) {
                throw mismatch(raw, "a UTF-8 binary or a charlist", term);
            }
        } else if (raw == byte[].class) {
            if (term instanceof Binary b) {
                return b.toByteArray();
            }
            throw mismatch(raw, "a binary", term);
        } else if (raw == Pid.class || raw == Ref.class) {
            boolean wantPid = raw == Pid.class;
            Object local = switch (term) {
                case ErlPid p when wantPid -> pids.fromTerm(p);
                case ErlRef r when !wantPid -> pids.fromTerm(r);
                case Pid p when wantPid -> p;
                case Ref r when !wantPid -> r;
                default -> throw mismatch(raw, wantPid ? "a pid" : "a reference", term);
            };
            if (!raw.isInstance(local)) {
                throw new TermMappingException("a " + raw.getName() + " names a process or reference of this node; "
                        + term + " is not one (declare the component as " + (raw == Pid.class ? "ErlPid" : "ErlRef")
                        + " or Object to accept other nodes')");
            }
            return local;
        } else if (Term.class.isAssignableFrom(raw)) {
            if (raw.isInstance(term)) {
                return term;
            }
            throw mismatch(raw, "a " + raw.getSimpleName(), term);
        } else if (raw.isEnum()) {
            EnumType e = enums.get(raw);
            if (e == null) {
                throw notRegistered(raw);
            }
            Object constant = term instanceof Atom a ? e.constants().get(a) : null;
            if (constant == null) {
                throw mismatch(raw, "one of " + Arrays.toString(e.atoms()), term);
            }
            return constant;
        } else if (raw.isRecord()) {
            RecordType r = records.get(raw);
            if (r == null) {
                throw notRegistered(raw);
            }
            if (!(term instanceof Tuple t) || !t.isTagged(r.tag(), r.names().length + 1)) {
                throw mismatch(raw, "a tuple {" + r.tag() + (r.names().length == 0 ? "" : ", ...") + "} of "
                        + (r.names().length + 1) + " elements", term);
            }
            return recordFrame(r, t, frames);
        } else if (raw == List.class || raw == Collection.class || raw == Iterable.class) {
            if (!(term instanceof ErlList l) || !l.isProper()) {
                throw mismatch(raw, "a proper list", term);
            }
            if (l.isEmpty()) {
                return List.of();
            }
            Type element = typeArgument(type, 0);
            push(frames, new Frame(Frame.LIST, l.elements, new Object[l.elements.length], 0, null, element, null));
            return null;
        } else if (raw == Map.class) {
            if (!(term instanceof ErlMap m)) {
                throw mismatch(raw, "a map", term);
            }
            if (m.isEmpty()) {
                return Map.of();
            }
            push(frames, mapFrame(m, typeArgument(type, 0), typeArgument(type, 1)));
            return null;
        }
        throw new TermMappingException("cannot map a term to " + type.getTypeName()
                + " (supported: see TermMapper's documentation)");
    }

    private Object untyped(Object term, List<Frame> frames) {
        switch (term) {
            case Atom a -> {
                if (a.equals(Atom.TRUE)) {
                    return Boolean.TRUE;
                } else if (a.equals(Atom.FALSE)) {
                    return Boolean.FALSE;
                }
                Object constant = enumsByAtom.get(a);
                return constant != null ? constant : a;
            }
            case Tuple t -> {
                if (t.arity() > 0 && t.get(0) instanceof Atom tag) {
                    RecordType r = recordsByTag.get(new TagKey(tag, t.arity() - 1));
                    if (r != null) {
                        return recordFrame(r, t, frames);
                    }
                }
                return t;
            }
            case ErlList l -> {
                if (l.isEmpty()) {
                    return List.of();
                }
                if (!l.isProper()) {
                    return l;
                }
                push(frames, new Frame(Frame.LIST, l.elements, new Object[l.elements.length], 0, null, Object.class,
                        null));
                return null;
            }
            case ErlMap m -> {
                if (m.isEmpty()) {
                    return Map.of();
                }
                push(frames, mapFrame(m, Object.class, Object.class));
                return null;
            }
            case ErlPid p -> {
                return Objects.requireNonNull(pids.fromTerm(p), "PidMapper gave null");
            }
            case ErlRef r -> {
                return Objects.requireNonNull(pids.fromTerm(r), "PidMapper gave null");
            }
            default -> {
                return term;
            }
        }
    }

    private Object recordFrame(RecordType r, Tuple t, List<Frame> frames) {
        if (r.names().length == 0) {
            return construct(r, new Object[0]);
        }
        push(frames, new Frame(Frame.RECORD, t.elements, new Object[r.names().length], 1, r, null, r.types()));
        return null;
    }

    private static Frame mapFrame(ErlMap m, Type keyType, Type valueType) {
        Object[] kv = new Object[2 * m.keys.length];
        for (int i = 0; i < m.keys.length; i++) {
            kv[2 * i] = m.keys[i];
            kv[2 * i + 1] = m.values[i];
        }
        return new Frame(Frame.MAP, kv, new Object[kv.length], 0, null, null, new Type[] {keyType, valueType});
    }

    private static Object construct(RecordType r, Object[] components) {
        try {
            return (Object) r.constructor().invokeExact(components);
        } catch (RuntimeException | Error e) {
            throw new TermMappingException("constructing " + r.type().getSimpleName() + " failed: " + e, e);
        } catch (Throwable t) {
            throw new TermMappingException("constructing " + r.type().getSimpleName() + " failed: " + t, t);
        }
    }

    private static Map<Object, Object> javaMap(Object[] kv) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (map.putIfAbsent(kv[i], kv[i + 1]) != null) {
                throw new TermMappingException("two keys of the map become the same Java key " + kv[i]);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private static long integer(Object term, long min, long max, Class<?> type) {
        if (term instanceof Long l && l >= min && l <= max) {
            return l;
        }
        throw mismatch(type, term instanceof Long || term instanceof BigInteger
                ? "an integer from " + min + " to " + max : "an integer", term);
    }

    private static TermMappingException mismatch(Class<?> type, String expected, Object term) {
        return new TermMappingException("a " + type.getName() + " needs " + expected + ", got " + term);
    }

    private static TermMappingException notRegistered(Class<?> type) {
        return new TermMappingException(type.getName() + " is not registered with this TermMapper (register it "
                + "with TermMapper.builder().register" + (type.isEnum() ? "Enum" : "Record") + "(" + type.getSimpleName()
                + ".class))");
    }

    private static Class<?> rawClass(Type type) {
        return switch (type) {
            case Class<?> c -> c;
            case ParameterizedType p -> rawClass(p.getRawType());
            case WildcardType w -> rawClass(w.getUpperBounds()[0]);
            case TypeVariable<?> v -> rawClass(v.getBounds()[0]);
            case GenericArrayType a -> Object[].class;
            default -> Object.class;
        };
    }

    private static Type typeArgument(Type type, int i) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > i
                ? p.getActualTypeArguments()[i] : Object.class;
    }

    // ---- the walk

    private void push(List<Frame> frames, Frame f) {
        if (frames.size() >= maxDepth) {
            throw new TermMappingException("nesting deeper than " + maxDepth + " (a List or Map that contains itself?)");
        }
        frames.add(f);
    }

    /** Where the walk is, for error messages: {@code Ping.items[3].name}. */
    private static String path(List<Frame> frames, boolean toTerm) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int d = Math.max(0, frames.size() - 16); d < frames.size(); d++) {
            Frame f = frames.get(d);
            int i = f.next;
            switch (f.kind) {
                case Frame.RECORD -> {
                    if (shown == 0) {
                        out.append(f.record.type().getSimpleName());
                    }
                    out.append('.').append(f.record.names()[i]);
                }
                case Frame.LIST -> out.append('[').append(i).append(']');
                default -> out.append(i % 2 == 0 ? "{key " : "{value of ").append(i / 2).append('}');
            }
            shown++;
        }
        return (frames.size() > 16 ? "..." : "") + (toTerm ? "in the value at " : "in the term at ") + out;
    }

    /** A container being converted: its children, the converted ones, and their types. */
    private static final class Frame {
        static final int LIST = 0;
        static final int MAP = 1;
        static final int RECORD = 2;

        final int kind;
        final Object[] src;
        final Object[] out;
        /** toTerm: where converted children go in out; fromTerm: where children start in src. */
        final int outOffset;
        final RecordType record;
        final Type elementType;
        final Type[] types;
        int next;

        Frame(int kind, Object[] src, Object[] out, int offset, RecordType record) {
            this(kind, src, out, offset, record, null, null);
        }

        Frame(int kind, Object[] src, Object[] out, int offset, RecordType record, Type elementType, Type[] types) {
            this.kind = kind;
            this.src = src;
            this.out = out;
            this.outOffset = offset;
            this.record = record;
            this.elementType = elementType;
            this.types = types;
        }

        Object childTerm(int i) {
            return src[outOffset + i];
        }

        Type childType(int i) {
            return switch (kind) {
                case LIST -> elementType;
                case MAP -> types[i % 2];
                default -> types[i];
            };
        }
    }

    /** Builds a {@link TermMapper}. Not thread-safe; the mapper it builds is. */
    public static final class Builder {
        private final Map<Class<?>, RecordType> records = new HashMap<>();
        private final Map<TagKey, RecordType> recordsByTag = new HashMap<>();
        private final Map<Class<?>, EnumType> enums = new HashMap<>();
        private PidMapper pids = PidMapper.NONE;
        private int maxDepth = 1_000_000;

        private Builder() {
        }

        /** Registers record {@code type} as the tuple tagged with the snake_case of its simple name. */
        public Builder registerRecord(Class<? extends Record> type) {
            return registerRecord(type, snakeCase(type.getSimpleName()));
        }

        /** Registers record {@code type} as the tuple tagged {@code tag}: {@code {tag, Component1, ...}}. */
        public Builder registerRecord(Class<? extends Record> type, String tag) {
            return registerRecord(type, tag, null);
        }

        /**
         * Registers record {@code type} as the tuple tagged {@code tag}, reaching its accessors and
         * canonical constructor through {@code lookup} (a lookup made in the record's module, for a
         * record whose package is not open to {@code io.jarl.dist}).
         */
        public Builder registerRecord(Class<? extends Record> type, String tag, MethodHandles.Lookup lookup) {
            Objects.requireNonNull(type, "type");
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            if (records.containsKey(type)) {
                throw new IllegalArgumentException(type.getName() + " is already registered");
            }
            Atom atom = Atom.of(tag);
            RecordComponent[] components = type.getRecordComponents();
            TagKey key = new TagKey(atom, components.length);
            RecordType existing = recordsByTag.get(key);
            if (existing != null) {
                throw new IllegalArgumentException(type.getName() + " and " + existing.type().getName()
                        + " would both be the tuple {" + atom + "} of " + (components.length + 1) + " elements");
            }
            MethodHandles.Lookup access = access(type, lookup);
            String[] names = new String[components.length];
            Type[] types = new Type[components.length];
            MethodHandle[] accessors = new MethodHandle[components.length];
            Class<?>[] parameterTypes = new Class<?>[components.length];
            try {
                for (int i = 0; i < components.length; i++) {
                    RecordComponent c = components[i];
                    names[i] = c.getName();
                    types[i] = c.getGenericType();
                    parameterTypes[i] = c.getType();
                    accessors[i] = access.unreflect(c.getAccessor()).asType(MethodType.methodType(Object.class,
                            Object.class));
                }
                MethodHandle constructor = access.findConstructor(type, MethodType.methodType(void.class,
                        parameterTypes));
                constructor = constructor.asSpreader(Object[].class, components.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
                RecordType r = new RecordType(type, atom, names, types, accessors, constructor);
                records.put(type, r);
                recordsByTag.put(key, r);
            } catch (IllegalAccessException | NoSuchMethodException e) {
                throw inaccessible(type, e);
            }
            return this;
        }

        private static MethodHandles.Lookup access(Class<?> type, MethodHandles.Lookup lookup) {
            if (lookup != null) {
                return lookup;
            }
            try {
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            } catch (IllegalAccessException e) {
                return MethodHandles.publicLookup();
            }
        }

        private static IllegalArgumentException inaccessible(Class<?> type, Exception e) {
            return new IllegalArgumentException("cannot reach the components or canonical constructor of "
                    + type.getName() + ": open its package to io.jarl.dist, or register it with "
                    + "registerRecord(" + type.getSimpleName() + ".class, tag, MethodHandles.lookup()) (" + e + ")", e);
        }

        /** Registers enum {@code type}: each constant as the lower-cased atom of its name ({@code SLOW_DOWN} is {@code slow_down}). */
        public <E extends Enum<E>> Builder registerEnum(Class<E> type) {
            return registerEnum(type, Map.of());
        }

        /** Registers enum {@code type}, with atoms given explicitly for the constants in {@code names}. */
        public <E extends Enum<E>> Builder registerEnum(Class<E> type, Map<E, String> names) {
            Objects.requireNonNull(type, "type");
            if (enums.containsKey(type)) {
                throw new IllegalArgumentException(type.getName() + " is already registered");
            }
            E[] constants = type.getEnumConstants();
            Atom[] atoms = new Atom[constants.length];
            Map<Atom, Object> byAtom = new HashMap<>();
            for (E c : constants) {
                String name = names.get(c);
                Atom atom = Atom.of(name != null ? name : snakeCase(c.name()));
                atoms[c.ordinal()] = atom;
                Object other = byAtom.put(atom, c);
                if (other != null) {
                    throw new IllegalArgumentException(type.getName() + "." + other + " and " + c + " would both be "
                            + atom);
                }
            }
            enums.put(type, new EnumType(type, atoms, Map.copyOf(byAtom)));
            return this;
        }

        /** Sets how local pids and references map (default {@link PidMapper#NONE}). */
        public Builder pidMapper(PidMapper mapper) {
            this.pids = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** Sets the deepest nesting converted (default 1,000,000). */
        public Builder maxDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("depth must be positive: " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /** The mapper. */
        public TermMapper build() {
            return new TermMapper(this);
        }
    }

    /**
     * The snake_case of a Java name: {@code PingPong} is {@code ping_pong}, {@code HTTPRequest} is
     * {@code http_request}, {@code SLOW_DOWN} is {@code slow_down}, {@code Ping2} is {@code ping2}.
     */
    public static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        int n = name.length();
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    char prev = name.charAt(i - 1);
                    boolean afterLower = Character.isLowerCase(prev) || Character.isDigit(prev);
                    boolean endsAcronym = Character.isUpperCase(prev) && i + 1 < n
                            && Character.isLowerCase(name.charAt(i + 1));
                    if (afterLower || endsAcronym) {
                        out.append('_');
                    }
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
