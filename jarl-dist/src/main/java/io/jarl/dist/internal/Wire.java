package io.jarl.dist.internal;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemotePid;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.ErlList;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.ErlRef;
import io.jarl.dist.term.PidMapper;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.TermMappingException;
import io.jarl.dist.term.Tuple;
import io.jarl.internal.Core;
import io.jarl.internal.Gen;
import io.jarl.server.From;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * How Jarl values cross the wire, on top of the TermMapper's mapping of ordinary values:
 * - pids and references: a local pid is (number, serial) with this node's name and creation; a pid
 *   of this node's name but another creation is a pid of an earlier run, kept as a RemotePid of this
 *   node (DistNode treats signals to it as to a dead process); other nodes' pids are RemotePids. A
 *   local reference goes out as Core.localRefWords (3 words, or 5 for an alias, with its owner).
 * - the gen protocol: Gen.Call <-> {'$gen_call', {Pid, Tag}, Req} (Tag [alias | Ref] for our calls,
 *   as gen.erl sends them since OTP 24; a plain Ref or [alias | Ref] accepted), Gen.Cast <->
 *   {'$gen_cast', Req}, Gen.Reply <-> {Tag, Reply} (the tag echoed as it came: [alias | Ref] for an
 *   alias, the bare Ref otherwise). A reply arriving for one of our aliases becomes a Gen.Reply, so
 *   GenServer.call's receive finds it.
 * - exit reasons: the atoms normal, shutdown, kill, killed, noproc, timeout, noconnection and
 *   {shutdown, Detail} are ExitReason's named reasons; any other atom is ExitReason.of(its name);
 *   anything else ExitReason.of(the mapped term). Going out, ExitReason.of("text") is the atom text
 *   (reasons are atoms by convention in Erlang) and a Java crash is {'exception class', <<"message">>}.
 * - a term that does not fit the user's registered types (a record's tag with other components) is
 *   still delivered, mapped without them: the BEAM delivers any term, and failing the frame would
 *   close the connection for everyone on it.
 */
/** Jarl values to Erlang terms and back, for one node. Thread-safe. */
public final class Wire implements PidMapper {
    private static final Logger log = LoggerFactory.getLogger("io.jarl.dist");
    static final Atom GEN_CALL = Atom.of("$gen_call");
    static final Atom GEN_CAST = Atom.of("$gen_cast");
    static final Atom ALIAS = Atom.of("alias");
    static final Atom EMPTY = Atom.of("");

    private final Core core = Core.get();
    private final Atom node;
    private final String nodeName;
    private final int creation;
    private final TermMapper mapper;
    /** The mapping without the user's records and enums, for terms that do not fit them. */
    private final TermMapper plain;

    /** @param types the user's registered records and enums (a builder without a PidMapper) */
    public Wire(String nodeName, int creation, TermMapper.Builder types) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.node = Atom.of(nodeName);
        this.creation = creation;
        this.mapper = types.pidMapper(this).build();
        this.plain = TermMapper.builder().pidMapper(this).build();
    }

    public Atom node() {
        return node;
    }

    public int creation() {
        return creation;
    }

    public TermMapper mapper() {
        return mapper;
    }

    // ------------------------------------------------------------------ pids and references

    @Override
    public ErlPid toTerm(Pid pid) {
        if (pid instanceof RemotePid r) {
            return new ErlPid(Atom.of(r.node()), Integer.toUnsignedLong(r.number()), Integer.toUnsignedLong(r.serial()),
                    Integer.toUnsignedLong(r.creation()));
        }
        return new ErlPid(node, Integer.toUnsignedLong(core.localNumber(pid)), Integer.toUnsignedLong(core.localSerial(pid)),
                Integer.toUnsignedLong(creation));
    }

    @Override
    public Pid fromTerm(ErlPid pid) {
        if (pid.node().equals(node) && pid.creation() == Integer.toUnsignedLong(creation)) {
            return core.localPid((int) pid.id(), (int) pid.serial());
        }
        return core.remotePid(pid.node().name(), (int) pid.id(), (int) pid.serial(), (int) pid.creation());
    }

    @Override
    public ErlRef toTerm(Ref ref) {
        if (ref.isLocal()) {
            return new ErlRef(node, Integer.toUnsignedLong(creation), core.localRefWords(ref));
        }
        return new ErlRef(Atom.of(ref.node()), Integer.toUnsignedLong(core.remoteRefCreation(ref)),
                core.remoteRefWords(ref));
    }

    @Override
    public Ref fromTerm(ErlRef ref) {
        if (isLocal(ref)) {
            return core.localRef(ref.ids());
        }
        return core.remoteRef(ref.node().name(), (int) ref.creation(), ref.ids(), false);
    }

    boolean isLocal(ErlRef ref) {
        return ref.node().equals(node) && ref.creation() == Integer.toUnsignedLong(creation) && ref.size() >= 1;
    }

    /** Whether {@code node} is this node's name. */
    boolean isThisNode(String node) {
        return nodeName.equals(node);
    }

    // ------------------------------------------------------------------ messages

    /** The term for a message a Jarl process sends to another node. */
    public Object toWire(Object message) {
        return switch (message) {
            case Gen.Call(From from, Object request) ->
                    Tuple.of(GEN_CALL, Tuple.of(toTerm(from.pid()), tagTerm(from.tag())), mapper.toTerm(request));
            case Gen.Cast(Object request) -> Tuple.of(GEN_CAST, mapper.toTerm(request));
            case Gen.Reply(Ref tag, Object value) -> Tuple.of(tagTerm(tag), mapper.toTerm(value));
            default -> mapper.toTerm(message);
        };
    }

    /** A call's tag as OTP 24+ writes it: {@code [alias | Ref]} for an alias, else the bare reference. */
    private Object tagTerm(Ref tag) {
        ErlRef ref = toTerm(tag);
        return tag.isAlias() ? ErlList.improper(java.util.List.of(ALIAS), ref) : ref;
    }

    /** The Jarl message for a term that arrived from another node. */
    public Object fromWire(Object term) {
        if (term instanceof Tuple t) {
            if (t.arity() == 3 && GEN_CALL.equals(t.get(0)) && t.get(1) instanceof Tuple from && from.arity() == 2
                    && from.get(0) instanceof Pid caller) {
                Ref tag = callTag(from.get(1));
                if (tag != null) {
                    return new Gen.Call(new From(caller, tag), map(t.get(2)));
                }
            } else if (t.arity() == 2 && GEN_CAST.equals(t.get(0))) {
                return new Gen.Cast(map(t.get(1)));
            } else if (t.arity() == 2) {
                Ref reply = replyTag(t.get(0));
                if (reply != null) {
                    return new Gen.Reply(reply, map(t.get(1)));
                }
            }
        }
        return map(term);
    }

    /**
     * The Jarl value of a term from another node. A term that has a registered record's tag but
     * does not fit it ({@code {point, a, b}} for {@code Point(long x, long y)}) is still a term the
     * BEAM delivers: it arrives mapped without the registered types (tuples stay tuples), with a
     * warning, rather than failing the frame (which closed the whole connection: every link and
     * monitor between the two nodes broke because of one message). A term nested deeper than the
     * mapper goes arrives as it is.
     */
    private Object map(Object term) {
        try {
            return mapper.fromTerm(term);
        } catch (TermMappingException e) {
            log.warn("a term from another node does not fit its registered type ({}); delivered unmapped",
                    e.getMessage());
        }
        try {
            return plain.fromTerm(term);
        } catch (TermMappingException e) {
            return term;
        }
    }

    /** The tag of an incoming call: a plain reference, or {@code [alias | Ref]}; null if neither. */
    private Ref callTag(Object tag) {
        if (tag instanceof Ref ref) {
            return ref;
        }
        if (tag instanceof ErlList l && l.size() == 1 && ALIAS.equals(l.get(0)) && l.tail() instanceof Ref ref) {
            return ref.isLocal() ? ref
                    : core.remoteRef(ref.node(), core.remoteRefCreation(ref), core.remoteRefWords(ref), true);
        }
        return null;
    }

    /** The alias of one of our calls, if {@code tag} is a reply's tag: {@code [alias | Ref]} or Ref. */
    private static Ref replyTag(Object tag) {
        Ref ref = tag instanceof Ref r ? r
                : tag instanceof ErlList l && l.size() == 1 && ALIAS.equals(l.get(0)) && l.tail() instanceof Ref r ? r
                : null;
        // Only this node's aliases (their owner is alive) are replies to our calls.
        return ref != null && ref.isLocal() && ref.isAlias() ? ref : null;
    }

    // ------------------------------------------------------------------ exit reasons

    public Object toTerm(ExitReason reason) {
        return switch (reason) {
            case ExitReason.Normal n -> Atom.of("normal");
            case ExitReason.Shutdown s -> Atom.of("shutdown");
            case ExitReason.ShutdownWith(Object detail) -> Tuple.of(Atom.of("shutdown"), safeTerm(detail));
            case ExitReason.Kill k -> Atom.of("kill");
            case ExitReason.Killed k -> Atom.of("killed");
            case ExitReason.NoProc n -> Atom.of("noproc");
            case ExitReason.Timeout t -> Atom.of("timeout");
            case ExitReason.NoConnection n -> Atom.of("noconnection");
            case ExitReason.Crash(Throwable error) -> Tuple.of(Atom.of(truncate(error.getClass().getName())),
                    Binary.of(String.valueOf(error.getMessage())));
            case ExitReason.MailboxOverflow(int length) -> Tuple.of(Atom.of("mailbox_overflow"), (long) length);
            case ExitReason.CallFailed(ExitReason why, String function, List<Object> args) ->
                    Tuple.of(toTerm(why), callTerm(function, args));
            case ExitReason.Other(String text) when text.codePointCount(0, text.length()) <= Atom.MAX_CHARACTERS ->
                    Atom.of(text);
            case ExitReason.Other(Object term) -> safeTerm(term);
        };
    }

    /**
     * A failed call as OTP and Elixir name it: {@code {gen_server, call, Args}} for
     * {@code GenServer.call}, likewise gen_statem and gen_event, {@code {'Elixir.Task', await_many, Args}}
     * for {@code Task.awaitMany}; other modules keep their Java names, functions go snake_case.
     */
    private Object callTerm(String function, List<Object> args) {
        int dot = function.indexOf('.');
        String module = dot < 0 ? function : function.substring(0, dot);
        String name = dot < 0 ? "call" : function.substring(dot + 1);
        module = switch (module) {
            case "GenServer" -> "gen_server";
            case "GenStateMachine" -> "gen_statem";
            case "GenEvent" -> "gen_event";
            case "Sys" -> "sys";
            case "Task" -> "Elixir.Task";
            default -> module;
        };
        name = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        List<Object> terms = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            boolean timeout = i == args.size() - 1; // the timeout: milliseconds, or infinity
            terms.add(timeout && a instanceof Duration d ? (Object) d.toMillis()
                    : timeout && "infinity".equals(a) ? Atom.of("infinity") : safeTerm(a));
        }
        return Tuple.of(Atom.of(truncate(module)), Atom.of(truncate(name)), ErlList.of(terms));
    }

    /** A reason's term; one that cannot be mapped becomes its text, rather than losing the signal. */
    private Object safeTerm(Object value) {
        try {
            return mapper.toTerm(value);
        } catch (RuntimeException e) {
            return Binary.of(String.valueOf(value));
        }
    }

    private static String truncate(String s) {
        return s.codePointCount(0, s.length()) <= Atom.MAX_CHARACTERS ? s : s.substring(0, Atom.MAX_CHARACTERS);
    }

    public ExitReason reasonFromTerm(Object term) {
        if (term instanceof Atom a) {
            return switch (a.name()) {
                case "normal" -> ExitReason.normal();
                case "shutdown" -> ExitReason.shutdown();
                case "kill" -> ExitReason.kill();
                case "killed" -> ExitReason.killed();
                case "noproc" -> ExitReason.noproc();
                case "timeout" -> ExitReason.timeout();
                case "noconnection" -> ExitReason.noconnection();
                default -> ExitReason.of(a.name());
            };
        }
        if (term instanceof Tuple t && t.arity() == 2 && Atom.of("shutdown").equals(t.get(0))) {
            return ExitReason.shutdown(map(t.get(1)));
        }
        if (term instanceof Tuple t && t.arity() == 2 && Atom.of("mailbox_overflow").equals(t.get(0))
                && t.get(1) instanceof Long n && n >= 0 && n <= Integer.MAX_VALUE) {
            return ExitReason.mailboxOverflow(n.intValue());
        }
        return ExitReason.of(map(term));
    }

    @Override
    public String toString() {
        return "Wire[" + nodeName + ", creation " + Integer.toUnsignedString(creation) + "]";
    }
}
