package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.testing.NoLeakedProcesses;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedProcesses.class)
class TermMapperTest {
    record Ping(ErlPid from, int count) {
    }

    record Pong(ErlPid from) {
    }

    record HTTPRequest(String path, List<String> headers, Map<String, Long> query, byte[] body) {
    }

    record Stop() {
    }

    record Node(long value, List<Node> next) {
        Node {
            if (value < 0) {
                throw new IllegalArgumentException("negative");
            }
        }
    }

    record Holder(Object anything, Status status, double ratio, char letter, BigInteger big, Atom atom) {
    }

    record Deliver(Pid to, Ref tag) {
    }

    enum Status { UP, SLOW_DOWN, Unknown }

    private static final ErlPid PID = new ErlPid(Atom.of("e1@vm"), 85, 0, 1);

    private static final TermMapper MAPPER = TermMapper.builder()
            .registerRecord(Ping.class)
            .registerRecord(Pong.class, "pong_reply")
            .registerRecord(HTTPRequest.class)
            .registerRecord(Stop.class)
            .registerRecord(Node.class)
            .registerRecord(Holder.class)
            .registerEnum(Status.class, Map.of(Status.Unknown, "unknown_status"))
            .build();

    @Test
    void recordsAreTaggedTuples() {
        Object term = MAPPER.toTerm(new Ping(PID, 3));
        assertThat(term).isEqualTo(Tuple.of(Atom.of("ping"), PID, 3)).hasToString("{ping,<e1@vm.85.0>,3}");
        assertThat(MAPPER.toTerm(new Pong(PID))).isEqualTo(Tuple.of(Atom.of("pong_reply"), PID));
        assertThat(MAPPER.toTerm(new Stop())).isEqualTo(Tuple.of(Atom.of("stop")));
        assertThat(MAPPER.tagOf(HTTPRequest.class)).isEqualTo(Atom.of("http_request"));

        // a Java process switches over what arrives from Erlang
        Object received = Terms.binaryToTerm(Terms.termToBinary(Tuple.of(Atom.of("ping"), PID, 7)));
        String handled = switch (MAPPER.fromTerm(received)) {
            case Ping(ErlPid from, int count) when count > 5 -> "many pings from " + from;
            case Ping p -> "ping";
            case Tuple other -> "unknown " + other;
            default -> "other";
        };
        assertThat(handled).isEqualTo("many pings from <e1@vm.85.0>");
        assertThat(MAPPER.fromTerm(Tuple.of(Atom.of("ping"), PID))).isEqualTo(Tuple.of(Atom.of("ping"), PID));
        assertThat(MAPPER.fromTerm(Tuple.of(Atom.of("stop")))).isEqualTo(new Stop());
    }

    @Test
    void componentsAreConvertedByTheirDeclaredTypes() {
        Map<String, Long> query = new LinkedHashMap<>();
        query.put("page", 2L);
        HTTPRequest request = new HTTPRequest("/index", List.of("a: 1", "b: 2"), query, new byte[] {1, 2});
        Object term = MAPPER.toTerm(request);
        assertThat(term).hasToString("{http_request,<<\"/index\">>,[<<\"a: 1\">>,<<\"b: 2\">>],#{<<\"page\">> => 2},"
                + "<<1,2>>}");
        HTTPRequest back = (HTTPRequest) MAPPER.fromTerm(term);
        assertThat(back.path()).isEqualTo("/index");
        assertThat(back.headers()).containsExactly("a: 1", "b: 2");
        assertThat(back.query()).isEqualTo(query);
        assertThat(back.body()).containsExactly(1, 2);
        // charlists are strings too
        Object fromErlang = Tuple.of(Atom.of("http_request"), ErlList.charlist("/x"), ErlList.of(ErlList.charlist("h")),
                ErlMap.of(ErlList.charlist("k"), 1), Binary.EMPTY);
        assertThat(((HTTPRequest) MAPPER.fromTerm(fromErlang)).headers()).containsExactly("h");

        Holder holder = new Holder(List.of(1, "x", true), Status.SLOW_DOWN, 0.5, 'é', BigInteger.TEN.pow(30),
                Atom.OK);
        Object holderTerm = MAPPER.toTerm(holder);
        assertThat(holderTerm).hasToString("{holder,[1,<<\"x\">>,true],slow_down,0.5,233,"
                + "1000000000000000000000000000000,ok}");
        Holder holderBack = (Holder) MAPPER.fromTerm(holderTerm);
        assertThat(holderBack.anything()).isEqualTo(List.of(1L, Binary.of("x"), true));
        assertThat(holderBack.status()).isEqualTo(Status.SLOW_DOWN);
        assertThat(holderBack.letter()).isEqualTo('é');
        assertThat(holderBack.big()).isEqualTo(BigInteger.TEN.pow(30));
        // an integer where a double is declared is accepted
        assertThat(((Holder) MAPPER.fromTerm(Tuple.of(Atom.of("holder"), 1, Atom.of("up"), 2, 97,
                BigInteger.ONE, Atom.OK))).ratio()).isEqualTo(2.0);
    }

    @Test
    void plainValuesMapBothWays() {
        assertThat(MAPPER.toTerm(true)).isEqualTo(Atom.TRUE);
        assertThat(MAPPER.toTerm(42)).isEqualTo(42L);
        assertThat(MAPPER.toTerm("héllo")).isEqualTo(Binary.of("héllo"));
        assertThat(MAPPER.toTerm(new byte[] {7})).isEqualTo(Binary.of(new byte[] {7}));
        assertThat(MAPPER.toTerm(List.of())).isEqualTo(ErlList.NIL);
        assertThat(MAPPER.toTerm(Map.of())).isEqualTo(ErlMap.EMPTY);
        assertThat(MAPPER.toTerm(Status.Unknown)).isEqualTo(Atom.of("unknown_status"));
        assertThat(MAPPER.toTerm(List.of(ErlList.charlist("abc")))).hasToString("[\"abc\"]");

        assertThat(MAPPER.fromTerm(Atom.FALSE)).isEqualTo(false);
        assertThat(MAPPER.fromTerm(Atom.of("slow_down"))).isEqualTo(Status.SLOW_DOWN);
        assertThat(MAPPER.fromTerm(Atom.of("other"))).isEqualTo(Atom.of("other"));
        assertThat(MAPPER.fromTerm(Binary.of("x"))).isEqualTo(Binary.of("x"));
        assertThat(MAPPER.fromTerm(ErlList.NIL)).isEqualTo(List.of());
        assertThat(MAPPER.fromTerm(ErlList.improper(List.of(1), 2))).isEqualTo(ErlList.improper(List.of(1), 2));
        assertThat(MAPPER.fromTerm(ErlMap.of(Atom.of("a"), ErlList.of(1)))).isEqualTo(Map.of(Atom.of("a"), List.of(1L)));
        assertThat(MAPPER.fromTerm(Binary.of("x"), String.class)).isEqualTo("x");
        assertThat(MAPPER.fromTerm(ErlList.charlist("x"), String.class)).isEqualTo("x");
        assertThat(MAPPER.fromTerm(5L, int.class)).isEqualTo(5);
        assertThat(MAPPER.fromTerm(Atom.TRUE, boolean.class)).isTrue();
        assertThat(MAPPER.fromTerm(ErlList.of(1, 2), new TypeOf<List<Integer>>() { }.type())).isEqualTo(List.of(1, 2));
    }

    /** Captures a generic type, as {@code List<Integer>}. */
    abstract static class TypeOf<T> {
        Type type() {
            return ((java.lang.reflect.ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
        }
    }

    @Test
    void theMappingIsReversible() {
        RandomTerms random = new RandomTerms(11, true, false);
        for (int i = 0; i < 2000; i++) {
            Object term = random.term(4);
            assertThat(MAPPER.toTerm(MAPPER.fromTerm(term))).as("case %d", i).isEqualTo(term);
        }
        Object[] values = {new Ping(PID, 1), List.of(new Pong(PID), Status.UP, 1L, 2.5, true, Atom.OK),
            new Node(1, List.of(new Node(2, List.of()), new Node(3, List.of())))};
        for (Object v : values) {
            assertThat(MAPPER.fromTerm(MAPPER.toTerm(v))).isEqualTo(v);
        }
        Map<String, List<Double>> typed = Map.of("k", List.of(1.0, 2.5));
        Type type = new TypeOf<Map<String, List<Double>>>() { }.type();
        assertThat(MAPPER.fromTerm(MAPPER.toTerm(typed), type)).isEqualTo(typed);
        // untyped, a binary stays a Binary: not every binary is text
        assertThat(MAPPER.fromTerm(MAPPER.toTerm(typed))).isEqualTo(Map.of(Binary.of("k"), List.of(1.0, 2.5)));
    }

    @Test
    void unmappableValuesAreNamed() {
        assertThatThrownBy(() -> MAPPER.toTerm(null)).isInstanceOf(TermMappingException.class)
                .hasMessageContaining("null has no Erlang term");
        assertThatThrownBy(() -> MAPPER.toTerm(new Node(1, List.of(new Node(2, null)))))
                .isInstanceOf(TermMappingException.class)
                .hasMessage("in the value at Node.next[0].next: null has no Erlang term (send Atom.UNDEFINED or an "
                        + "explicit atom instead)");
        assertThatThrownBy(() -> MAPPER.toTerm(List.of(1, java.util.Set.of(2)))).isInstanceOf(
                TermMappingException.class).hasMessageStartingWith("in the value at [1]: a java.util.ImmutableCollections")
                .hasMessageContaining("has no Erlang term");
        record Unregistered(int x) {
        }
        assertThatThrownBy(() -> MAPPER.toTerm(new Unregistered(1))).isInstanceOf(TermMappingException.class)
                .hasMessageContaining("Unregistered is not registered with this TermMapper (register it with "
                        + "TermMapper.builder().registerRecord(Unregistered.class))");
        assertThatThrownBy(() -> MAPPER.toTerm(Double.NaN)).isInstanceOf(TermMappingException.class);
        assertThatThrownBy(() -> MAPPER.fromTerm(Tuple.of(Atom.of("ping"), Atom.OK, 1))).isInstanceOf(
                TermMappingException.class).hasMessage("in the term at Ping.from: a io.jarl.dist.term.ErlPid needs a "
                        + "ErlPid, got ok");
        assertThatThrownBy(() -> MAPPER.fromTerm(Tuple.of(Atom.of("ping"), PID, 1L << 40))).isInstanceOf(
                TermMappingException.class).hasMessageContaining("Ping.count: a java.lang.Integer needs an integer "
                        + "from -2147483648 to 2147483647, got 1099511627776");
        assertThatThrownBy(() -> MAPPER.fromTerm(Tuple.of(Atom.of("node"), 1, ErlList.of(Atom.of("x")))))
                .isInstanceOf(TermMappingException.class).hasMessageContaining("in the term at Node.next[0]: a "
                        + Node.class.getName() + " needs a tuple {node, ...} of 3 elements, got x");
        assertThatThrownBy(() -> MAPPER.fromTerm(Tuple.of(Atom.of("node"), 1, ErlList.of(Tuple.of(Atom.of("node"), -1,
                ErlList.NIL))))).isInstanceOf(TermMappingException.class)
                .hasMessageContaining("in the term at Node.next[0]: constructing Node failed: "
                        + "java.lang.IllegalArgumentException: negative");
        assertThatThrownBy(() -> MAPPER.fromTerm(Atom.OK, Status.class)).isInstanceOf(TermMappingException.class)
                .hasMessageContaining("needs one of [up, slow_down, unknown_status], got ok");
        assertThatThrownBy(() -> MAPPER.fromTerm(Binary.of(new byte[] {(byte) 0xFF}), String.class))
                .isInstanceOf(TermMappingException.class).hasMessageContaining("a UTF-8 binary or a charlist");
        assertThatThrownBy(() -> MAPPER.fromTerm(ErlMap.of(Binary.of("a"), 1, ErlList.charlist("a"), 2),
                new TypeOf<Map<String, Integer>>() { }.type())).isInstanceOf(TermMappingException.class)
                .hasMessageContaining("two keys of the map become the same Java key a");
    }

    @Test
    void deepValuesConvertWithoutRecursion() {
        Object term = Tuple.of(Atom.of("node"), 0, ErlList.NIL);
        for (int i = 1; i < 200_000; i++) {
            term = Tuple.of(Atom.of("node"), i, ErlList.of(term));
        }
        Node chain = (Node) MAPPER.fromTerm(term);
        assertThat(chain.value()).isEqualTo(199_999);
        assertThat(MAPPER.toTerm(chain).equals(term)).isTrue();

        Object nested = ErlList.NIL;
        for (int i = 0; i < 200_000; i++) {
            nested = ErlList.of(nested);
        }
        Object javaNested = MAPPER.fromTerm(nested);
        assertThat(MAPPER.toTerm(javaNested).equals(nested)).isTrue();

        List<Object> cyclic = new java.util.ArrayList<>();
        cyclic.add(cyclic);
        assertThatThrownBy(() -> TermMapper.builder().maxDepth(1000).build().toTerm(cyclic))
                .isInstanceOf(TermMappingException.class).hasMessageContaining("nesting deeper than 1000");
    }

    @Test
    void pidsAndRefsGoThroughThePidMapper() {
        assertThatThrownBy(() -> MAPPER.fromTerm(Tuple.of(Atom.of("deliver"), PID, PID), Deliver.class))
                .isInstanceOf(TermMappingException.class).hasMessageContaining("is not registered");
        TermMapper noNode = TermMapper.builder().registerRecord(Deliver.class).build();
        assertThatThrownBy(() -> noNode.fromTerm(Tuple.of(Atom.of("deliver"), PID, new ErlRef(PID.node(), 1, 1))))
                .isInstanceOf(TermMappingException.class).hasMessageContaining("Deliver.to: a io.jarl.Pid names a "
                        + "process or reference of this node");
        assertThat(noNode.fromTerm(PID)).isEqualTo(PID);

        Pid[] local = new Pid[1];
        Ref[] localRef = new Ref[1];
        io.jarl.Jarl.run(() -> {
            local[0] = io.jarl.Jarl.self();
            localRef[0] = io.jarl.Jarl.makeRef();
            return null;
        });
        ErlRef wireRef = new ErlRef(Atom.of("java@vm"), 1, 1, 2, 3);
        ErlPid wirePid = new ErlPid(Atom.of("java@vm"), 1, 0, 1);
        PidMapper node = new PidMapper() {
            @Override
            public ErlPid toTerm(Pid pid) {
                return wirePid;
            }

            @Override
            public Object fromTerm(ErlPid pid) {
                return pid.equals(wirePid) ? local[0] : pid;
            }

            @Override
            public ErlRef toTerm(Ref ref) {
                return wireRef;
            }

            @Override
            public Object fromTerm(ErlRef ref) {
                return ref.equals(wireRef) ? localRef[0] : ref;
            }
        };
        TermMapper mapper = TermMapper.builder().registerRecord(Deliver.class).pidMapper(node).build();
        // With a node's PidMapper, Jarl pids and references stay themselves in terms; the encoder
        // writes them through the mapper.
        Object term = mapper.toTerm(new Deliver(local[0], localRef[0]));
        assertThat(term).isEqualTo(Tuple.of(Atom.of("deliver"), local[0], localRef[0]));
        assertThat(new TermDecoder().decode(mapper.termToBinary(new Deliver(local[0], localRef[0]))))
                .isEqualTo(Tuple.of(Atom.of("deliver"), wirePid, wireRef));
        assertThat(mapper.fromTerm(term)).isEqualTo(new Deliver(local[0], localRef[0]));
        assertThat(mapper.fromTerm(Tuple.of(Atom.of("deliver"), wirePid, wireRef)))
                .isEqualTo(new Deliver(local[0], localRef[0]));
        assertThat(mapper.fromTerm(PID)).isEqualTo(PID);
    }

    @Test
    void registrationsAreChecked() {
        assertThat(TermMapper.snakeCase("PingPong")).isEqualTo("ping_pong");
        assertThat(TermMapper.snakeCase("HTTPRequest")).isEqualTo("http_request");
        assertThat(TermMapper.snakeCase("SLOW_DOWN")).isEqualTo("slow_down");
        assertThat(TermMapper.snakeCase("Ping2Pong")).isEqualTo("ping2_pong");
        assertThat(TermMapper.snakeCase("getX")).isEqualTo("get_x");
        record Ping2(ErlPid a, int b) {
        }
        assertThatThrownBy(() -> TermMapper.builder().registerRecord(Ping.class).registerRecord(Ping2.class, "ping"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would both be the tuple {ping} of 3");
        assertThatThrownBy(() -> TermMapper.builder().registerRecord(Ping.class).registerRecord(Ping.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> TermMapper.builder().registerEnum(Status.class, Map.of(Status.UP, "slow_down")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would both be slow_down");
        // same tag, different arity: two different tuples
        record Ping1(ErlPid a) {
        }
        TermMapper both = TermMapper.builder().registerRecord(Ping.class).registerRecord(Ping1.class, "ping").build();
        assertThat(both.fromTerm(Tuple.of(Atom.of("ping"), PID))).isEqualTo(new Ping1(PID));
        assertThat(both.fromTerm(Tuple.of(Atom.of("ping"), PID, 1))).isEqualTo(new Ping(PID, 1));
    }
}
