package io.jarl.dist.term;

import io.jarl.Pid;
import io.jarl.Ref;

/**
 * Converts the identifiers of this node's own processes and references between Jarl's
 * {@link Pid}/{@link Ref} and their wire form {@link ErlPid}/{@link ErlRef}, for a
 * {@link TermMapper}.
 *
 * <p>The distribution layer implements it for a running node: it knows the node's name and
 * creation, gives each local process its wire pid, and turns pids and references that name local
 * ones back into {@code Pid}s and {@code Ref}s. Identifiers of other nodes stay {@code ErlPid} and
 * {@code ErlRef}. Implementations must be thread-safe.
 */
public interface PidMapper {
    /**
     * The mapper for no node: {@code ErlPid} and {@code ErlRef} stay as they are, and a Jarl
     * {@code Pid} or {@code Ref} cannot be mapped (there is no node name to give it).
     */
    PidMapper NONE = new PidMapper() {
        @Override
        public ErlPid toTerm(Pid pid) {
            throw new TermMappingException("a local io.jarl.Pid (" + pid
                    + ") has no Erlang pid without a distributed node: this TermMapper has no PidMapper");
        }

        @Override
        public Object fromTerm(ErlPid pid) {
            return pid;
        }

        @Override
        public ErlRef toTerm(Ref ref) {
            throw new TermMappingException("a local io.jarl.Ref (" + ref
                    + ") has no Erlang reference without a distributed node: this TermMapper has no PidMapper");
        }

        @Override
        public Object fromTerm(ErlRef ref) {
            return ref;
        }
    };

    /** The wire pid of local process {@code pid}. */
    ErlPid toTerm(Pid pid);

    /** The local {@link Pid} that {@code pid} names, or {@code pid} itself if it is another node's. */
    Object fromTerm(ErlPid pid);

    /** The wire reference of local reference {@code ref}. */
    ErlRef toTerm(Ref ref);

    /** The local {@link Ref} that {@code ref} is, or {@code ref} itself if it is another node's. */
    Object fromTerm(ErlRef ref);
}
